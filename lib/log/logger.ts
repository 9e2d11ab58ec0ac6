import { AsyncLocalStorage } from 'node:async_hooks';

import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The dashboard server's one logger: JSON lines on stdout (pino), one object per event, so a log collector
 * (CloudWatch, Loki, journald) can filter by field. Every line written while a request is being served carries
 * that request's id (`requestId`, from lib/server/request-log.ts), so the lines of one action or route handler,
 * and the AWS failures it met (lib/aws/failure-log.ts), are found together.
 *
 * Nothing secret is logged on purpose; the redaction below is a second line of defence for fields whose names
 * say they hold one.
 *
 *   LOG_LEVEL   trace | debug | info (default) | warn | error | fatal | silent
 */

/** What a log line knows about the request it was written for. */
export interface RequestContext {
  requestId: string;
}

type Holder = Record<symbol, unknown>;
/** One of each for the process: Next.js loads a module once per route bundle. */
const holder = globalThis as Holder;
const CONTEXT_KEY = Symbol.for('iot-dashboard.request-context');
const LOGGER_KEY = Symbol.for('iot-dashboard.logger');

const requestContext = (holder[CONTEXT_KEY] ??=
  new AsyncLocalStorage<RequestContext>()) as AsyncLocalStorage<RequestContext>;

/** Runs `run` (and all the asynchronous work it starts) as part of the request `context`. */
export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return requestContext.run(context, run);
}

/** The id of the request being served, or undefined outside one (start-up, timers, bulk jobs). */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

const REDACTED_FIELDS = [
  'password',
  'secret',
  'secretAccessKey',
  'sessionToken',
  'privateKey',
  'token',
  'authorization',
  'cookie',
];

/** LOG_LEVEL, else info; silent under node's test runner, whose report the lines would bury (tests that read them pass a level). */
function levelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL?.trim() || (env.NODE_TEST_CONTEXT ? 'silent' : 'info');
}

/** A logger writing to `destination` (default: stdout). */
export function createLogger(destination?: DestinationStream, level = levelFromEnv()): Logger {
  return pino(
    {
      level,
      base: { service: 'iot-dashboard', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `"level":"warn"` rather than pino's numbers: readable without a pino-aware viewer.
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: {
        paths: REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`]),
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The process's logger. */
export function logger(): Logger {
  return (holder[LOGGER_KEY] ??= createLogger()) as Logger;
}

/** Puts `replacement` in the process logger's place (a test that reads the lines); returns the undo. */
export function replaceLogger(replacement: Logger): () => void {
  const previous = holder[LOGGER_KEY];
  holder[LOGGER_KEY] = replacement;
  return () => {
    holder[LOGGER_KEY] = previous;
  };
}
