import 'server-only';

import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  ListNamedShadowsForThingCommand,
  UpdateThingShadowCommand,
  type IoTDataPlaneClient,
} from '@aws-sdk/client-iot-data-plane';

import { computeDelta } from '@/lib/shadows/delta';
import { isJsonObject, type JsonObject, type MetaTree } from '@/lib/shadows/json';

import { readIotConfig } from './config';
import { describeDataEndpoint, getDataPlaneClient } from './data-plane';
import { AppError, toAppError } from './errors';

/**
 * Device shadows through the iot-data API: one typed function per operation. A shadow that does not exist
 * is a result (`{exists: false}`), not an error; a version conflict is a ShadowConflictError that says
 * which version the operator loaded and which one is there now.
 */

export interface ShadowRef {
  thingName: string;
  /** Undefined (or '') for the classic shadow. */
  shadowName?: string;
}

export interface ShadowDocument extends ShadowRef {
  state: { desired?: JsonObject; reported?: JsonObject; delta?: JsonObject };
  metadata: { desired?: MetaTree; reported?: MetaTree };
  version: number;
  /** Epoch seconds: when AWS produced the document. */
  timestamp: number;
}

export type ShadowLookup =
  | { exists: true; shadow: ShadowDocument }
  | { exists: false; thingName: string; shadowName?: string };

/** A rejected update: the version it was sent with no longer is the shadow's version. */
export class ShadowConflictError extends AppError {
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    const now = currentVersion === undefined ? 'a newer one' : String(currentVersion);
    super(
      'conflict',
      currentVersion === undefined
        ? `Someone changed this shadow since you loaded it (version ${expectedVersion}; it has since been deleted). Reload to see the change, then apply yours again.`
        : `Someone changed this shadow since you loaded it (version ${expectedVersion} → ${now}). Reload to see their change, then apply yours again.`,
      { source: 'ConflictException', cause: options.cause },
    );
  }
}

const name = (ref: ShadowRef) => (ref.shadowName ? ref.shadowName : undefined);
const describe = (ref: ShadowRef) =>
  ref.shadowName
    ? `shadow "${ref.shadowName}" of thing "${ref.thingName}"`
    : `classic shadow of thing "${ref.thingName}"`;

const errorName = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : undefined;

/** The data-plane exceptions the generic mapping does not know, in words fit for the page. */
function mapError(err: unknown, ref: ShadowRef): AppError {
  const aws = errorName(err);
  if (aws === 'RequestEntityTooLargeException') {
    return new AppError(
      'invalid_request',
      'The shadow would exceed 8 KB (desired and reported together); AWS IoT refused it.',
      { source: aws, cause: err },
    );
  }
  if (aws === 'UnsupportedDocumentEncodingException') {
    return new AppError('invalid_request', 'AWS IoT accepts shadow documents in UTF-8 only.', {
      source: aws,
      cause: err,
    });
  }
  if (aws === 'MethodNotAllowedException') {
    return new AppError('invalid_request', 'AWS IoT does not allow this operation on the shadow.', {
      source: aws,
      cause: err,
    });
  }
  return toAppError(err, { resource: describe(ref), endpoint: describeDataEndpoint() });
}

async function call<T>(_ref: ShadowRef, run: (client: IoTDataPlaneClient) => Promise<T>): Promise<T> {
  let client: IoTDataPlaneClient;
  try {
    client = await getDataPlaneClient(readIotConfig());
  } catch (err) {
    throw toAppError(err, { resource: 'data endpoint' });
  }
  return run(client);
}

const decoder = new TextDecoder();

function parseDocument(ref: ShadowRef, payload: Uint8Array | undefined): ShadowDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(payload ? decoder.decode(payload) : '{}');
  } catch (err) {
    throw new AppError('internal', `AWS IoT returned a shadow document that is not JSON (${describe(ref)}).`, {
      cause: err,
    });
  }
  const raw = isJsonObject(doc) ? doc : {};
  const state = isJsonObject(raw.state) ? raw.state : {};
  const metadata = isJsonObject(raw.metadata) ? raw.metadata : {};
  const desired = isJsonObject(state.desired) ? state.desired : undefined;
  const reported = isJsonObject(state.reported) ? state.reported : undefined;
  const delta = isJsonObject(state.delta) ? state.delta : computeDelta(desired, reported);
  const out: ShadowDocument = {
    thingName: ref.thingName,
    state: {
      ...(desired ? { desired } : {}),
      ...(reported ? { reported } : {}),
      ...(delta ? { delta } : {}),
    },
    metadata: {
      ...(isJsonObject(metadata.desired) ? { desired: metadata.desired as unknown as MetaTree } : {}),
      ...(isJsonObject(metadata.reported) ? { reported: metadata.reported as unknown as MetaTree } : {}),
    },
    version: typeof raw.version === 'number' ? raw.version : 0,
    timestamp: typeof raw.timestamp === 'number' ? raw.timestamp : Math.floor(Date.now() / 1000),
  };
  if (ref.shadowName) out.shadowName = ref.shadowName;
  return out;
}

/** GetThingShadow. A shadow that does not exist (404 "No shadow exists ...") is `{exists: false}`. */
export async function getShadow(ref: ShadowRef): Promise<ShadowLookup> {
  return call(ref, async (client) => {
    try {
      const out = await client.send(new GetThingShadowCommand({ thingName: ref.thingName, shadowName: name(ref) }));
      return { exists: true, shadow: parseDocument(ref, out.payload) };
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') {
        return ref.shadowName
          ? { exists: false, thingName: ref.thingName, shadowName: ref.shadowName }
          : { exists: false, thingName: ref.thingName };
      }
      throw mapError(err, ref);
    }
  });
}

export interface UpdateDesiredInput extends ShadowRef {
  /** The fields to write (null removes a field), or null to remove the whole desired section. */
  desired: JsonObject | null;
  /** The version the change was made against; AWS refuses the update if the shadow moved on. Absent: no check. */
  expectedVersion?: number;
  clientToken?: string;
}

export interface UpdateResult {
  version: number;
  timestamp: number;
}

/**
 * UpdateThingShadow with `{"state": {"desired": ...}, "version": N}`. A 409 "Version conflict" becomes a
 * ShadowConflictError naming the loaded and the current version (read once more to say which).
 */
export async function updateDesired(input: UpdateDesiredInput): Promise<UpdateResult> {
  const body: { state: { desired: JsonObject | null }; version?: number; clientToken?: string } = {
    state: { desired: input.desired },
  };
  if (input.expectedVersion !== undefined) body.version = input.expectedVersion;
  if (input.clientToken) body.clientToken = input.clientToken;
  return sendUpdate(input, body);
}

async function sendUpdate(ref: ShadowRef & { expectedVersion?: number }, body: object): Promise<UpdateResult> {
  return call(ref, async (client) => {
    try {
      const out = await client.send(
        new UpdateThingShadowCommand({
          thingName: ref.thingName,
          shadowName: name(ref),
          payload: new TextEncoder().encode(JSON.stringify(body)),
        }),
      );
      const doc = parseDocument(ref, out.payload);
      return { version: doc.version, timestamp: doc.timestamp };
    } catch (err) {
      if (errorName(err) === 'ConflictException' && ref.expectedVersion !== undefined) {
        const now = await getShadow(ref).catch(() => undefined);
        throw new ShadowConflictError(ref.expectedVersion, now?.exists ? now.shadow.version : undefined, {
          cause: err,
        });
      }
      throw mapError(err, ref);
    }
  });
}

/** DeleteThingShadow: the deleted shadow's version. A shadow that is already gone is AppError `not_found`. */
export async function deleteShadow(ref: ShadowRef): Promise<{ version: number }> {
  return call(ref, async (client) => {
    try {
      const out = await client.send(new DeleteThingShadowCommand({ thingName: ref.thingName, shadowName: name(ref) }));
      const doc = parseDocument(ref, out.payload);
      return { version: doc.version };
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') {
        throw new AppError('not_found', `There is no ${describe(ref)} to delete (it may have been deleted already).`, {
          source: 'ResourceNotFoundException',
          cause: err,
        });
      }
      throw mapError(err, ref);
    }
  });
}

export interface NamedShadowList {
  names: string[];
  /** True when there were more than `limit` and the rest were not read. */
  truncated: boolean;
}

/** ListNamedShadowsForThing, every page up to `limit` names, sorted. */
export async function listNamedShadows(thingName: string, limit = 500): Promise<NamedShadowList> {
  const ref = { thingName };
  return call(ref, async (client) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const out = await client.send(new ListNamedShadowsForThingCommand({ thingName, nextToken, pageSize: 100 }));
        names.push(...(out.results ?? []));
        nextToken = out.nextToken;
      } while (nextToken && names.length < limit);
    } catch (err) {
      // No shadows at all: AWS answers an empty list; a 404 here means the same to the page.
      if (errorName(err) === 'ResourceNotFoundException') return { names: [], truncated: false };
      throw mapError(err, { thingName: `${thingName}` });
    }
    names.sort((a, b) => a.localeCompare(b));
    return { names: names.slice(0, limit), truncated: Boolean(nextToken) || names.length > limit };
  });
}

export interface CreateShadowInput extends ShadowRef {
  /** The initial desired state ({} for none). */
  desired: JsonObject;
}

/**
 * Creates a shadow (named, or the classic one) with an initial desired state. AWS has no "create": the first
 * update creates it, so this reads first and refuses a shadow that already exists (AppError `already_exists`)
 * rather than merging into it.
 */
export async function createShadow(input: CreateShadowInput): Promise<UpdateResult> {
  const existing = await getShadow(input);
  if (existing.exists) {
    throw new AppError('already_exists', `The ${describe(input)} already exists (version ${existing.shadow.version}).`);
  }
  const state = Object.keys(input.desired).length > 0 ? { desired: input.desired } : {};
  return sendUpdate(input, { state });
}

/** createShadow for a named shadow. */
export async function createNamedShadow(
  thingName: string,
  shadowName: string,
  desired: JsonObject = {},
): Promise<UpdateResult> {
  return createShadow({ thingName, shadowName, desired });
}
