import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { type JsonValue, nestingDepth } from '../../lib/shadows/json';
import { invalidRequest } from '../errors';

/**
 * Choice: how deep a JSON request body may nest. No AWS IoT control-plane input comes near it (thing group
 * properties, the deepest, are 4 levels); a body nested deeper is refused before any handler walks it.
 */
const MAX_BODY_DEPTH = 32;

/** A parsed HTTP request as handlers see it. */
export class ApiRequest {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly params: Readonly<Record<string, string>>,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
  ) {}

  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  /** A header the operation requires (the principal of the attach operations travels in one), in AWS's wording when absent. */
  requiredHeader(name: string, member: string): string {
    const value = this.header(name);
    if (!value) {
      throw invalidRequest(
        `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  /** The body as JSON; an empty body is `{}`. Malformed JSON is the client's error, not ours. */
  json(): unknown {
    if (this.body.length === 0) return {};
    let value: unknown;
    try {
      value = JSON.parse(this.body.toString('utf8'));
    } catch {
      throw invalidRequest('The request body is not valid JSON.');
    }
    if (nestingDepth(value as JsonValue, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw invalidRequest(`The request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels).`);
    }
    return value;
  }

  /** The query string as a plain object of single values. */
  queryObject(): Record<string, string> {
    return Object.fromEntries(this.query.entries());
  }
}

/** The body a handler answers with: JSON by default, raw bytes for the data plane's documents. */
export type ApiResult =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; raw: Buffer | string; contentType: string; headers?: Record<string, string> };

export const ok = (json: unknown = {}): ApiResult => ({ json });

/**
 * Validates input with a zod schema and turns its complaints into AWS's wording:
 * "1 validation error detected: Value at 'thingName' failed to satisfy constraint: ...".
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, label?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const detail = issues
    .map((i) => {
      const at = [label, ...i.path].filter((p) => p !== undefined).join('.') || 'body';
      const shown = typeof value === 'string' && i.path.length === 0 ? `Value '${value.slice(0, 200)}' ` : 'Value ';
      return `${shown}at '${at}' failed to satisfy constraint: ${i.message}`;
    })
    .join('; ');
  throw invalidRequest(`${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${detail}`);
}
