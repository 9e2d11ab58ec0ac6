import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyDelete,
  applyUpdate,
  currentVersion,
  getDocument,
  MAX_STATE_BYTES,
  parseTokenRequest,
  parseUpdateRequest,
  readShadow,
  rejected,
  shadowNotFound,
  VERSION_RETENTION_SECONDS,
  type DeletedShadow,
  type JsonObject,
  type ShadowError,
  type StoredShadow,
  type UpdateRequest,
} from './document';
import { computeDelta } from '../../lib/shadows/delta';

const T0 = 1_700_000_000;

function parse(payload: unknown): UpdateRequest {
  const result = parseUpdateRequest(typeof payload === 'string' ? payload : JSON.stringify(payload));
  if (!result.ok) assert.fail(`unexpected rejection: ${result.error.message}`);
  return result.request;
}

function parseError(payload: string | Buffer | object): { error: ShadowError; clientToken?: string } {
  const result = parseUpdateRequest(
    typeof payload === 'object' && !Buffer.isBuffer(payload) ? JSON.stringify(payload) : payload,
  );
  if (result.ok) assert.fail('expected a rejection');
  return result;
}

/** Applies a sequence of update payloads, each one second after the previous, returning every result. */
function run(payloads: unknown[], start: StoredShadow | DeletedShadow | undefined = undefined, t = T0) {
  let shadow = start;
  const results = [];
  for (const [i, payload] of payloads.entries()) {
    const result = applyUpdate(shadow, parse(payload), t + i);
    if (!result.ok) assert.fail(`update ${i} rejected: ${result.error.message}`);
    shadow = result.next;
    results.push(result);
  }
  return { shadow: shadow as StoredShadow, results };
}

function nested(depth: number): JsonObject {
  // depth 1 = {"v": 1}; each further level wraps it in another object.
  let value: JsonObject = { v: 1 };
  for (let i = 1; i < depth; i++) value = { n: value };
  return value;
}

describe('merging an update into the shadow', () => {
  it('only the sent fields change', () => {
    const { shadow } = run([
      { state: { desired: { color: 'red', power: 'on' }, reported: { color: 'blue' } } },
      { state: { desired: { color: 'green' } } },
    ]);
    assert.deepEqual(shadow.state, { desired: { color: 'green', power: 'on' }, reported: { color: 'blue' } });
  });

  it('a null leaf removes the field and its metadata', () => {
    const { shadow } = run([
      { state: { desired: { color: 'red', power: 'on' } } },
      { state: { desired: { power: null } } },
    ]);
    assert.deepEqual(shadow.state.desired, { color: 'red' });
    assert.deepEqual(shadow.metadata.desired, { color: { timestamp: T0 } });
  });

  it('"desired": null removes the whole section and its metadata', () => {
    const { shadow } = run([
      { state: { desired: { color: 'red' }, reported: { color: 'blue' } } },
      { state: { desired: null } },
    ]);
    assert.deepEqual(shadow.state, { reported: { color: 'blue' } });
    assert.equal(shadow.metadata.desired, undefined);
    assert.deepEqual(shadow.metadata.reported, { color: { timestamp: T0 } });
  });

  it('"state": null clears both sections but keeps the shadow and bumps its version', () => {
    const { shadow, results } = run([{ state: { desired: { a: 1 }, reported: { b: 2 } } }, { state: null }]);
    assert.deepEqual(shadow.state, {});
    assert.deepEqual(shadow.metadata, {});
    assert.equal(shadow.version, 2);
    // AWS echoes the request as sent: `"state": null`, with no per-field metadata.
    assert.equal(results[1]!.accepted.state, null);
    assert.deepEqual(results[1]!.accepted.metadata, {});
  });

  it('an empty object sent in desired is kept, in desired and in the delta', () => {
    const { shadow, results } = run([
      { state: { reported: { mode: 'auto' } } },
      { state: { desired: { config: {}, mode: 'auto' } } },
    ]);
    assert.deepEqual(shadow.state.desired, { config: {}, mode: 'auto' });
    assert.deepEqual(shadow.metadata.desired, { config: {}, mode: { timestamp: T0 + 1 } });
    assert.deepEqual(results[1]!.delta?.state, { config: {} });
    assert.deepEqual(getDocument(shadow, T0 + 2).state.delta, { config: {} });
  });

  it('an empty object merged into an existing object changes nothing; once reported, no delta', () => {
    const { shadow, results } = run([
      { state: { desired: { config: { a: 1 } }, reported: { config: { a: 1 } } } },
      { state: { desired: { config: {} } } },
      { state: { desired: { extra: {} }, reported: { extra: {} } } },
    ]);
    assert.deepEqual(shadow.state.desired, { config: { a: 1 }, extra: {} });
    assert.equal(results[1]!.delta, undefined);
    assert.equal(results[2]!.delta, undefined);
  });

  it('a section emptied by nulls disappears', () => {
    const { shadow } = run([{ state: { reported: { a: 1 } } }, { state: { reported: { a: null } } }]);
    assert.deepEqual(shadow.state, {});
    assert.deepEqual(shadow.metadata, {});
  });

  it('arrays are replaced whole', () => {
    const { shadow } = run([
      { state: { desired: { colors: ['RED', 'GREEN', 'BLUE'] } } },
      { state: { desired: { colors: ['RED'] } } },
    ]);
    assert.deepEqual(shadow.state.desired, { colors: ['RED'] });
    assert.deepEqual(shadow.metadata.desired, { colors: [{ timestamp: T0 + 1 }] });
  });

  it('array metadata has one entry per element, recursing into objects', () => {
    const { shadow } = run([{ state: { reported: { list: [1, { x: 'a' }, [true]] } } }]);
    assert.deepEqual(shadow.metadata.reported, {
      list: [{ timestamp: T0 }, { x: { timestamp: T0 } }, [{ timestamp: T0 }]],
    });
  });

  it('nested objects merge member by member', () => {
    const { shadow } = run([
      { state: { desired: { lights: { color: { r: 255, g: 0, b: 255 }, on: true } } } },
      { state: { desired: { lights: { color: { g: 255 } } } } },
    ]);
    assert.deepEqual(shadow.state.desired, { lights: { color: { r: 255, g: 255, b: 255 }, on: true } });
  });

  it('a nested object emptied by nulls is removed', () => {
    const { shadow } = run([
      { state: { desired: { a: { b: { c: 1 } }, keep: 1 } } },
      { state: { desired: { a: { b: { c: null } } } } },
    ]);
    assert.deepEqual(shadow.state.desired, { keep: 1 });
    assert.deepEqual(shadow.metadata.desired, { keep: { timestamp: T0 } });
  });

  it('a value can change type between scalar, object and array', () => {
    const { shadow } = run([
      { state: { reported: { x: 1 } } },
      { state: { reported: { x: { y: 2 } } } },
      { state: { reported: { x: [3] } } },
      { state: { reported: { x: 'four' } } },
    ]);
    assert.deepEqual(shadow.state.reported, { x: 'four' });
    assert.deepEqual(shadow.metadata.reported, { x: { timestamp: T0 + 3 } });
  });

  it('keeps a member named __proto__ as an ordinary field', () => {
    const { shadow } = run(['{"state":{"desired":{"__proto__":{"x":1}}}}']);
    assert.deepEqual(Object.keys(shadow.state.desired ?? {}), ['__proto__']);
    assert.equal(JSON.stringify(shadow.state.desired), '{"__proto__":{"x":1}}');
    assert.equal(JSON.stringify(shadow.metadata.desired), `{"__proto__":{"x":{"timestamp":${T0}}}}`);
    assert.equal(JSON.stringify(computeDelta(shadow.state.desired, {})), '{"__proto__":{"x":1}}');
  });

  it('does not modify the stored shadow it was given', () => {
    const { shadow } = run([{ state: { desired: { a: { b: 1 } } } }]);
    const before = structuredClone(shadow);
    run([{ state: { desired: { a: { b: null, c: 2 } } } }], shadow);
    assert.deepEqual(shadow, before);
  });
});

describe('versions', () => {
  it('a new shadow starts at version 1 and every accepted update adds 1', () => {
    const { results } = run([{ state: { desired: { a: 1 } } }, { state: { desired: { a: 1 } } }, { state: {} }]);
    assert.deepEqual(
      results.map((r) => [r.next.version, r.accepted.version]),
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    );
  });

  it('a request whose version differs from the current one is 409 Version conflict', () => {
    const { shadow } = run([{ state: { desired: { a: 1 } } }, { state: { desired: { a: 2 } } }]);
    const result = applyUpdate(shadow, parse({ state: { desired: { a: 3 } }, version: 1 }), T0 + 5);
    assert.deepEqual(result, { ok: false, error: { code: 409, message: 'Version conflict' } });
  });

  it('a request carrying the current version is applied', () => {
    const { shadow } = run([{ state: { desired: { a: 1 } } }, { state: { desired: { a: 2 } } }]);
    const result = applyUpdate(shadow, parse({ state: { desired: { a: 3 } }, version: 2 }), T0 + 5);
    assert.ok(result.ok);
    assert.equal(result.next.version, 3);
  });

  it('a request without a version skips the check', () => {
    const { shadow } = run([{ state: { desired: { a: 1 } } }, { state: { desired: { a: 2 } } }]);
    const result = applyUpdate(shadow, parse({ state: { desired: { a: 3 } } }), T0 + 5);
    assert.ok(result.ok);
  });

  it('version 0 matches a shadow that does not exist yet', () => {
    assert.ok(applyUpdate(undefined, parse({ state: { reported: { a: 1 } }, version: 0 }), T0).ok);
    assert.equal(applyUpdate(undefined, parse({ state: { reported: { a: 1 } }, version: 1 }), T0).ok, false);
  });
});

describe('metadata timestamps', () => {
  it('survive updates of other fields and change for the fields written', () => {
    const { shadow } = run(
      [
        { state: { desired: { a: 1, nested: { x: 1, y: 1 } }, reported: { r: 1 } } },
        { state: { desired: { b: 2, nested: { y: 2 } } } },
      ],
      undefined,
    );
    assert.deepEqual(shadow.metadata, {
      desired: {
        a: { timestamp: T0 },
        nested: { x: { timestamp: T0 }, y: { timestamp: T0 + 1 } },
        b: { timestamp: T0 + 1 },
      },
      reported: { r: { timestamp: T0 } },
    });
    assert.equal(shadow.timestamp, T0 + 1);
  });

  it('a field written again with the same value gets a new timestamp', () => {
    const { shadow } = run([{ state: { reported: { a: 1 } } }, { state: { reported: { a: 1 } } }]);
    assert.deepEqual(shadow.metadata.reported, { a: { timestamp: T0 + 1 } });
  });
});

describe('the accepted document', () => {
  it('echoes the requested state with nulls, metadata for every requested field, version, timestamp and clientToken', () => {
    const { shadow } = run([{ state: { desired: { a: 1, b: 2 } } }]);
    const request = parse({
      state: { desired: { a: null, c: [1, 2] }, reported: { r: { s: true } } },
      clientToken: 'tok-1',
    });
    const result = applyUpdate(shadow, request, T0 + 10);
    assert.ok(result.ok);
    assert.deepEqual(result.accepted, {
      state: { desired: { a: null, c: [1, 2] }, reported: { r: { s: true } } },
      metadata: {
        desired: { a: { timestamp: T0 + 10 }, c: [{ timestamp: T0 + 10 }, { timestamp: T0 + 10 }] },
        reported: { r: { s: { timestamp: T0 + 10 } } },
      },
      version: 2,
      timestamp: T0 + 10,
      clientToken: 'tok-1',
    });
    assert.deepEqual(Object.keys(result.accepted), ['state', 'metadata', 'version', 'timestamp', 'clientToken']);
  });

  it('has no clientToken when the request had none', () => {
    const result = applyUpdate(undefined, parse({ state: { reported: { a: 1 } } }), T0);
    assert.ok(result.ok);
    assert.equal('clientToken' in result.accepted, false);
    assert.equal('clientToken' in result.documents, false);
  });
});

describe('the delta document', () => {
  it('is produced when an update of desired leaves a difference, with desired metadata and clientToken', () => {
    const { shadow } = run([{ state: { reported: { color: 'red', on: true } } }]);
    const result = applyUpdate(
      shadow,
      parse({ state: { desired: { color: 'green', on: true, light: { level: 5 } } }, clientToken: 'd-1' }),
      T0 + 3,
    );
    assert.ok(result.ok);
    assert.deepEqual(result.delta, {
      state: { color: 'green', light: { level: 5 } },
      metadata: { color: { timestamp: T0 + 3 }, light: { level: { timestamp: T0 + 3 } } },
      version: 2,
      timestamp: T0 + 3,
      clientToken: 'd-1',
    });
  });

  it('is absent when desired equals reported', () => {
    const { results } = run([{ state: { reported: { color: 'red' } } }, { state: { desired: { color: 'red' } } }]);
    assert.equal(results[1]!.delta, undefined);
  });

  it('carries every field that differs now, not only those in the request', () => {
    const { results } = run([{ state: { desired: { a: 1 } } }, { state: { desired: { b: 2 } } }]);
    assert.deepEqual(results[1]!.delta?.state, { a: 1, b: 2 });
    assert.deepEqual(results[1]!.delta?.metadata, { a: { timestamp: T0 }, b: { timestamp: T0 + 1 } });
  });

  it('nested delta metadata follows the delta path; arrays take their per-element metadata', () => {
    const { results } = run([
      { state: { desired: { cfg: { mode: 'a', list: [1, 2] } }, reported: { cfg: { mode: 'a', list: [1] } } } },
      { state: { desired: { cfg: { mode: 'b' } } } },
    ]);
    assert.deepEqual(results[1]!.delta?.state, { cfg: { mode: 'b', list: [1, 2] } });
    assert.deepEqual(results[1]!.delta?.metadata, {
      cfg: { mode: { timestamp: T0 + 1 }, list: [{ timestamp: T0 }, { timestamp: T0 }] },
    });
  });

  it('is not produced by an update of reported alone', () => {
    const { results } = run([{ state: { desired: { color: 'green' } } }, { state: { reported: { color: 'red' } } }]);
    assert.ok(results[0]!.delta);
    assert.equal(results[1]!.delta, undefined);
  });
});

describe('the documents document', () => {
  it('has previous and current state, metadata and version, timestamp and clientToken', () => {
    const { shadow } = run([{ state: { reported: { color: 'red' } } }]);
    const result = applyUpdate(shadow, parse({ state: { desired: { color: 'green' } }, clientToken: 'c' }), T0 + 7);
    assert.ok(result.ok);
    assert.deepEqual(result.documents, {
      previous: {
        state: { reported: { color: 'red' } },
        metadata: { reported: { color: { timestamp: T0 } } },
        version: 1,
      },
      current: {
        state: { desired: { color: 'green' }, reported: { color: 'red' } },
        metadata: { desired: { color: { timestamp: T0 + 7 } }, reported: { color: { timestamp: T0 } } },
        version: 2,
      },
      timestamp: T0 + 7,
      clientToken: 'c',
    });
  });

  it('has no previous when the update created the shadow', () => {
    const result = applyUpdate(undefined, parse({ state: { reported: { a: 1 } } }), T0);
    assert.ok(result.ok);
    assert.equal('previous' in result.documents, false);
    assert.equal(result.documents.current.version, 1);
  });
});

describe('the get document', () => {
  it('holds desired, reported, delta, metadata without delta, version, response timestamp and clientToken', () => {
    const { shadow } = run([{ state: { desired: { a: 1, b: 2 }, reported: { a: 1, b: 3, c: 4 } } }]);
    assert.deepEqual(getDocument(shadow, T0 + 100, 'g'), {
      state: { desired: { a: 1, b: 2 }, reported: { a: 1, b: 3, c: 4 }, delta: { b: 2 } },
      metadata: {
        desired: { a: { timestamp: T0 }, b: { timestamp: T0 } },
        reported: { a: { timestamp: T0 }, b: { timestamp: T0 }, c: { timestamp: T0 } },
      },
      version: 1,
      timestamp: T0 + 100,
      clientToken: 'g',
    });
  });

  it('leaves delta out when desired and reported agree', () => {
    const { shadow } = run([{ state: { desired: { a: 1 }, reported: { a: 1 } } }]);
    assert.equal('delta' in getDocument(shadow, T0).state, false);
    assert.equal('clientToken' in getDocument(shadow, T0), false);
  });

  it('is 404 for a shadow that does not exist or was deleted', () => {
    const notFound = shadowNotFound('thing-1');
    assert.deepEqual(readShadow(undefined, T0, notFound), { ok: false, error: notFound });
    assert.deepEqual(readShadow({ deleted: true, version: 3, deletedAt: T0 }, T0, notFound), {
      ok: false,
      error: notFound,
    });
  });
});

describe('deleting a shadow', () => {
  it('answers with the deleted version and keeps the version for the next update', () => {
    const { shadow } = run([{ state: { reported: { a: 1 } } }, { state: { reported: { a: 2 } } }]);
    const deleted = applyDelete(shadow, T0 + 10, shadowNotFound('t'), 'del');
    assert.ok(deleted.ok);
    assert.deepEqual(deleted.accepted, { version: 2, timestamp: T0 + 10, clientToken: 'del' });
    assert.deepEqual(deleted.tombstone, { deleted: true, version: 2, deletedAt: T0 + 10 });

    const recreated = applyUpdate(deleted.tombstone, parse({ state: { reported: { b: 1 } } }), T0 + 20);
    assert.ok(recreated.ok);
    assert.equal(recreated.next.version, 3);
    assert.deepEqual(recreated.next.state, { reported: { b: 1 } });
    assert.equal('previous' in recreated.documents, false);
  });

  it('a version check after a delete compares with the deleted version', () => {
    const tombstone: DeletedShadow = { deleted: true, version: 4, deletedAt: T0 };
    assert.equal(applyUpdate(tombstone, parse({ state: { reported: { a: 1 } }, version: 0 }), T0 + 1).ok, false);
    assert.ok(applyUpdate(tombstone, parse({ state: { reported: { a: 1 } }, version: 4 }), T0 + 1).ok);
  });

  it('forgets the version 48 hours after the delete', () => {
    const tombstone: DeletedShadow = { deleted: true, version: 4, deletedAt: T0 };
    assert.equal(currentVersion(tombstone, T0 + VERSION_RETENTION_SECONDS), 4);
    assert.equal(currentVersion(tombstone, T0 + VERSION_RETENTION_SECONDS + 1), 0);
  });

  it('is 404 with AWS message when there is no shadow', () => {
    assert.deepEqual(applyDelete(undefined, T0, shadowNotFound('myThing')), {
      ok: false,
      error: { code: 404, message: "No shadow exists with name: 'myThing'" },
    });
    const tombstone: DeletedShadow = { deleted: true, version: 1, deletedAt: T0 };
    assert.deepEqual(applyDelete(tombstone, T0, shadowNotFound('myThing', 'cfg')), {
      ok: false,
      error: { code: 404, message: "No shadow exists with name: 'myThing~cfg'" },
    });
  });
});

describe('request validation', () => {
  const cases: Array<[string, string | object, number, string]> = [
    ['a payload that is not JSON', '{"state": ', 400, 'Payload contains invalid json'],
    ['an empty payload', '', 400, 'Payload contains invalid json'],
    ['no state', { clientToken: 'x' }, 400, 'Missing required node: state'],
    ['a JSON array payload', '[1]', 400, 'Missing required node: state'],
    ['a state that is a string', { state: 'on' }, 400, 'State node must be an object'],
    ['a state that is an array', { state: [] }, 400, 'State node must be an object'],
    ['a desired that is a number', { state: { desired: 1 } }, 400, 'Desired node must be an object'],
    ['a desired that is an array', { state: { desired: [1] } }, 400, 'Desired node must be an object'],
    ['a reported that is a string', { state: { reported: 'x' } }, 400, 'Reported node must be an object'],
    ['a key other than desired/reported under state', { state: { delta: {} } }, 400, 'State contains an invalid node'],
    ['a string version', { state: {}, version: '1' }, 400, 'Invalid version'],
    ['a negative version', { state: {}, version: -1 }, 400, 'Invalid version'],
    ['a fractional version', { state: {}, version: 1.5 }, 400, 'Invalid version'],
    ['a null version', { state: {}, version: null }, 400, 'Invalid version'],
    ['a clientToken over 64 bytes', { state: {}, clientToken: 'x'.repeat(65) }, 400, 'Invalid clientToken'],
    ['a clientToken of 33 two-byte characters', { state: {}, clientToken: 'é'.repeat(33) }, 400, 'Invalid clientToken'],
    ['a clientToken that is a number', { state: {}, clientToken: 5 }, 400, 'Invalid clientToken'],
    ['a null inside an array', { state: { desired: { colors: [null, 'RED'] } } }, 400, 'Invalid JSON'],
  ];
  for (const [name, payload, code, message] of cases) {
    it(`refuses ${name}: ${code} "${message}"`, () => {
      assert.deepEqual(parseError(payload).error, { code, message });
    });
  }

  it('refuses a payload that is not UTF-8 with 415', () => {
    assert.deepEqual(parseError(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])).error, {
      code: 415,
      message: 'Unsupported documented encoding; supported encoding is UTF-8',
    });
  });

  it('accepts a clientToken of exactly 64 bytes and a Buffer payload', () => {
    const result = parseUpdateRequest(Buffer.from(JSON.stringify({ state: {}, clientToken: 't'.repeat(64) })));
    assert.ok(result.ok);
    assert.equal(result.request.clientToken, 't'.repeat(64));
  });

  it('hands back the clientToken of a request it refuses, for the rejected payload', () => {
    assert.equal(parseError({ state: { desired: 1 }, clientToken: 'keep-me' }).clientToken, 'keep-me');
    assert.equal(parseError({ state: 1, clientToken: 'x'.repeat(65) }).clientToken, undefined);
  });

  it('ignores unknown top-level members', () => {
    const request = parse({ state: { reported: { a: 1 } }, metadata: { x: 1 }, timestamp: 5 });
    assert.deepEqual(request, { state: { reported: { a: 1 } } });
  });

  it('accepts 6 levels of nesting in desired and reported and refuses 7', () => {
    assert.ok(parseUpdateRequest(JSON.stringify({ state: { desired: nested(6), reported: nested(6) } })).ok);
    const tooDeep = { code: 400, message: 'JSON contains too many levels of nesting; maximum is 6' };
    assert.deepEqual(parseError({ state: { desired: nested(7) } }).error, tooDeep);
    assert.deepEqual(parseError({ state: { reported: nested(7) } }).error, tooDeep);
    // Arrays are levels too.
    assert.deepEqual(parseError({ state: { reported: { a: { b: { c: { d: { e: [[1]] } } } } } } }).error, tooDeep);
  });

  /** Runs `fn`; a stack overflow fails the test by its message (formatting its stack would take minutes). */
  const withoutOverflow = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      return assert.fail(`threw ${(err as Error).name}: ${(err as Error).message}`);
    }
  };

  it('refuses a document 10,000 levels deep with the same error, without overflowing the stack', () => {
    const depth = 10_000;
    const deepObject = `{"state":{"desired":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}},"clientToken":"deep"}`;
    const refused = withoutOverflow(() => parseUpdateRequest(deepObject));
    assert.ok(!refused.ok, 'refused');
    assert.deepEqual(refused.error, { code: 400, message: 'JSON contains too many levels of nesting; maximum is 6' });
    assert.equal(refused.clientToken, 'deep');
    const deepArray = `{"state":{"reported":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const refusedArray = withoutOverflow(() => parseUpdateRequest(deepArray));
    assert.ok(!refusedArray.ok, 'a deep array is refused');
    assert.equal(refusedArray.error.code, 400);
    // Deep nesting elsewhere in the request (an ignored member) is refused too rather than crashing anything.
    const deepElsewhere = `{"state":{"desired":{"a":1}},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const refusedElsewhere = withoutOverflow(() => parseUpdateRequest(deepElsewhere));
    assert.ok(!refusedElsewhere.ok, 'a deep ignored member is refused');
    assert.equal(refusedElsewhere.error.code, 400);
  });

  it('refuses deep GET and DELETE payloads with 400 instead of crashing', () => {
    const deep = `{"clientToken":"t","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const result = withoutOverflow(() => parseTokenRequest(deep));
    assert.ok(!result.ok, 'a deep get or delete payload is refused');
    assert.equal(result.error.code, 400);
  });
});

describe('the 8 KB state limit', () => {
  // {"k":"<n x>"} is n + 8 bytes.
  const sized = (bytes: number): JsonObject => ({ k: 'x'.repeat(bytes - 8) });

  it('accepts desired + reported of exactly 8 KB and refuses one byte more with 413', () => {
    assert.ok(parseUpdateRequest(JSON.stringify({ state: { desired: sized(4096), reported: sized(4096) } })).ok);
    assert.deepEqual(parseError({ state: { desired: sized(4096), reported: sized(4097) } }).error, {
      code: 413,
      message: 'The payload exceeds the maximum size allowed',
    });
  });

  it('counts the resulting state, not only the request, and leaves metadata out', () => {
    const { shadow } = run([{ state: { desired: sized(MAX_STATE_BYTES / 2) } }]);
    assert.ok(applyUpdate(shadow, parse({ state: { reported: sized(MAX_STATE_BYTES / 2) } }), T0 + 1).ok);
    assert.deepEqual(applyUpdate(shadow, parse({ state: { reported: sized(MAX_STATE_BYTES / 2 + 1) } }), T0 + 1), {
      ok: false,
      error: { code: 413, message: 'The payload exceeds the maximum size allowed' },
    });
  });
});

describe('rejected documents', () => {
  it('carry code, message, timestamp and clientToken when given', () => {
    const doc = rejected({ code: 409, message: 'Version conflict' }, { clientToken: 'r', timestamp: T0 });
    assert.deepEqual(doc, { code: 409, message: 'Version conflict', timestamp: T0, clientToken: 'r' });
    assert.deepEqual(Object.keys(doc), ['code', 'message', 'timestamp', 'clientToken']);
  });

  it('leave out what was not given', () => {
    assert.deepEqual(rejected(shadowNotFound('t')), { code: 404, message: "No shadow exists with name: 't'" });
  });
});

describe('get and delete request payloads', () => {
  it('may be empty or carry a clientToken', () => {
    assert.deepEqual(parseTokenRequest(''), { ok: true });
    assert.deepEqual(parseTokenRequest(Buffer.alloc(0)), { ok: true });
    assert.deepEqual(parseTokenRequest('{"clientToken":"abc"}'), { ok: true, clientToken: 'abc' });
  });

  it('refuse invalid JSON and a bad clientToken', () => {
    assert.deepEqual(parseTokenRequest('{'), {
      ok: false,
      error: { code: 400, message: 'Payload contains invalid json' },
    });
    assert.deepEqual(parseTokenRequest(JSON.stringify({ clientToken: 'x'.repeat(65) })), {
      ok: false,
      error: { code: 400, message: 'Invalid clientToken' },
    });
  });
});
