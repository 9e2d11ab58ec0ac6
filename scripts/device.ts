/**
 * `npm run device -- <bundle.zip | folder> [--interval S] [--count N] [--once] [--duration S]`
 *
 * A device simulator that uses a credential bundle exactly as firmware would: mutual TLS to the bundle's endpoint
 * with client id = thing name, telemetry on the bundle's topic every few seconds, the shadow reported, desired
 * changes applied and reported back. `--count N` runs N devices from a bulk zip (one folder per device).
 *
 * Exit codes: 0 done; 1 a device could not connect or publish; 2 bad arguments or an unreadable bundle.
 */
import { BundleError, readDevices, type DeviceBundle } from '../lib/device/bundle';
import { DeviceError, SimulatedDevice } from '../lib/device/simulator';

const USAGE = `Usage: npm run device -- <bundle.zip | folder> [options]

  --interval S   seconds between telemetry messages (default 5)
  --count N      run N devices from a bulk zip or folder (default 1)
  --once         connect, publish one telemetry message, report the shadow once, exit
  --duration S   stop after S seconds (default: until Ctrl-C)
  --help         this text`;

interface Args {
  target: string;
  intervalMs: number;
  count: number | undefined;
  once: boolean;
  durationMs: number | undefined;
}

class UsageError extends Error {}

function positiveNumber(flag: string, value: string | undefined, integer = false): number {
  const n = Number(value);
  if (
    value === undefined ||
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n <= 0 ||
    (integer && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `${flag} needs a positive ${integer ? 'whole number' : 'number'}${value === undefined ? '' : `, not "${value}"`}.`,
    );
  }
  return n;
}

export function parseArgs(argv: string[]): Args | 'help' {
  let target: string | undefined;
  let intervalMs = 5000;
  let count: number | undefined;
  let once = false;
  let durationMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--interval':
        intervalMs = Math.max(100, positiveNumber('--interval', value()) * 1000);
        break;
      case '--count':
        count = positiveNumber('--count', value(), true);
        break;
      case '--duration':
        durationMs = positiveNumber('--duration', value()) * 1000;
        break;
      case '--once':
        once = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
        if (target !== undefined) throw new UsageError(`One bundle at a time: got "${target}" and "${arg}".`);
        target = arg;
    }
  }
  if (!target)
    throw new UsageError(
      'Give the credential bundle: a zip downloaded from the dashboard, or the folder it unpacks to.',
    );
  return { target, intervalMs, count, once, durationMs };
}

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }

  let bundles: DeviceBundle[];
  try {
    bundles = readDevices(args.target);
  } catch (err) {
    if (err instanceof BundleError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const wanted = args.count ?? 1;
  if (wanted > bundles.length) {
    console.error(
      `${args.target} holds ${bundles.length} device${bundles.length === 1 ? '' : 's'}, fewer than --count ${wanted}.`,
    );
    return 2;
  }
  if (args.count === undefined && bundles.length > 1) {
    log(`${args.target} holds ${bundles.length} devices; running the first (--count ${bundles.length} runs them all).`);
  }
  const devices = bundles
    .slice(0, wanted)
    .map((b) => new SimulatedDevice(b, { intervalMs: args.intervalMs, once: args.once, log }));

  let stopping = false;
  const stopAll = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(why);
    await Promise.all(devices.map((d) => d.stop()));
  };

  if (args.once) {
    const results = await Promise.allSettled(
      devices.map(async (d) => {
        try {
          await d.connect();
          await d.runOnce();
        } finally {
          await d.stop();
        }
      }),
    );
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`[${devices[i]!.bundle.thingName}] ${describe(r.reason)}`] : [],
    );
    for (const f of failures) console.error(f);
    log(
      `${devices.length - failures.length} of ${devices.length} device${devices.length === 1 ? '' : 's'} connected, published and reported.`,
    );
    return failures.length ? 1 : 0;
  }

  let exitCode = 0;
  const done = new Promise<void>((resolve) => {
    process.once('SIGINT', () => void stopAll('Ctrl-C: disconnecting.').then(resolve));
    process.once('SIGTERM', () => void stopAll('Stopping: disconnecting.').then(resolve));
    if (args.durationMs !== undefined) {
      setTimeout(
        () => void stopAll(`${args.durationMs! / 1000} s elapsed: disconnecting.`).then(resolve),
        args.durationMs,
      ).unref();
    }
  });
  const started = await Promise.allSettled(
    devices.map(async (d) => {
      await d.connect();
      await d.run();
    }),
  );
  started.forEach((r, i) => {
    if (r.status === 'rejected') {
      exitCode = 1;
      console.error(`[${devices[i]!.bundle.thingName}] ${describe(r.reason)}`);
      void devices[i]!.stop();
    }
  });
  if (started.every((r) => r.status === 'rejected')) {
    await stopAll('No device could connect.');
    return 1;
  }
  await done;
  return exitCode;
}

function describe(err: unknown): string {
  if (err instanceof DeviceError || err instanceof BundleError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
