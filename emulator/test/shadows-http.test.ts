import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteThingShadowCommand,
  GetRetainedMessageCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ListNamedShadowsForThingCommand,
  ListRetainedMessagesCommand,
  PublishCommand,
  UpdateThingShadowCommand,
} from '@aws-sdk/client-iot-data-plane';
import type { BusMessage } from '../broker/bus';
import { expectAwsError, startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, any>;

describe('device shadows and messages over the data-plane API', () => {
  let t: TestEmulator;
  let data: IoTDataPlaneClient;
  /** Everything the broker accepted, as the bus reports it. */
  const heard: BusMessage[] = [];

  before(async () => {
    t = await startTestEmulator();
    data = new IoTDataPlaneClient({
      endpoint: t.url,
      region: t.emulator.config.region,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    t.emulator.context.bus.onMessage((m) => heard.push(m));
  });
  after(async () => {
    data.destroy();
    await t.close();
  });

  /** Messages published on topics under `prefix` since index `from`, decoded. */
  const published = (prefix: string, from = 0) =>
    heard
      .slice(from)
      .filter((m) => m.topic.startsWith(prefix))
      .map((m) => ({
        topic: m.topic.slice(prefix.length),
        doc: JSON.parse(m.payload.toString()) as Record<string, any>,
      }));

  /** Waits until the bus has carried `count` messages under `prefix` since `from`. */
  async function waitFor(prefix: string, count: number, from = 0) {
    for (let i = 0; i < 100 && published(prefix, from).length < count; i++) await new Promise((r) => setTimeout(r, 20));
    return published(prefix, from);
  }

  test('UpdateThingShadow answers with the accepted document and GetThingShadow with the full one', async () => {
    const up = await data.send(
      new UpdateThingShadowCommand({
        thingName: 'lamp-1',
        payload: json({ state: { desired: { color: 'red' }, reported: { color: 'blue' } }, clientToken: 'tok-1' }),
      }),
    );
    const accepted = decode(up.payload);
    assert.deepEqual(accepted.state, { desired: { color: 'red' }, reported: { color: 'blue' } });
    assert.equal(accepted.version, 1);
    assert.equal(accepted.clientToken, 'tok-1');
    assert.equal(typeof accepted.metadata.desired.color.timestamp, 'number');

    const got = decode((await data.send(new GetThingShadowCommand({ thingName: 'lamp-1' }))).payload);
    assert.deepEqual(got.state, { desired: { color: 'red' }, reported: { color: 'blue' }, delta: { color: 'red' } });
    assert.equal(got.version, 1);
    assert.equal(got.clientToken, undefined);
    assert.ok(Math.abs(got.timestamp - Date.now() / 1000) < 5, 'timestamp in epoch seconds');
  });

  test('GetThingShadow sends the raw JSON document with content-type application/json', async () => {
    await data.send(
      new UpdateThingShadowCommand({ thingName: 'raw-1', payload: json({ state: { reported: { a: 1 } } }) }),
    );
    const res = await fetch(`${t.url}/things/raw-1/shadow`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as Record<string, any>;
    assert.deepEqual(Object.keys(body), ['state', 'metadata', 'version', 'timestamp']);
  });

  test('a shadow does not need a registered thing, and a missing one is ResourceNotFoundException', async () => {
    const err = await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'never-registered' })),
      'ResourceNotFoundException',
      404,
    );
    assert.equal(err.message, "No shadow exists with name: 'never-registered'");
    await data.send(
      new UpdateThingShadowCommand({
        thingName: 'never-registered',
        payload: json({ state: { reported: { up: true } } }),
      }),
    );
    const got = decode((await data.send(new GetThingShadowCommand({ thingName: 'never-registered' }))).payload);
    assert.deepEqual(got.state, { reported: { up: true } });
  });

  test('a version mismatch is ConflictException 409 "Version conflict"', async () => {
    await data.send(
      new UpdateThingShadowCommand({ thingName: 'ver-1', payload: json({ state: { reported: { a: 1 } } }) }),
    );
    const err = await expectAwsError(
      () =>
        data.send(
          new UpdateThingShadowCommand({
            thingName: 'ver-1',
            payload: json({ state: { reported: { a: 2 } }, version: 9 }),
          }),
        ),
      'ConflictException',
      409,
    );
    assert.equal(err.message, 'Version conflict');
    const ok = await data.send(
      new UpdateThingShadowCommand({
        thingName: 'ver-1',
        payload: json({ state: { reported: { a: 2 } }, version: 1 }),
      }),
    );
    assert.equal(decode(ok.payload).version, 2);
  });

  test('malformed documents are InvalidRequestException with AWS wording; oversized ones 413; bad UTF-8 415', async () => {
    const cases: [unknown, string][] = [
      [{ clientToken: 'x' }, 'Missing required node: state'],
      [{ state: 'on' }, 'State node must be an object'],
      [{ state: { desired: 1 } }, 'Desired node must be an object'],
      [{ state: { reported: [1] } }, 'Reported node must be an object'],
      [{ state: { other: {} } }, 'State contains an invalid node'],
      [{ state: {}, version: 'one' }, 'Invalid version'],
    ];
    for (const [doc, message] of cases) {
      const err = await expectAwsError(
        () => data.send(new UpdateThingShadowCommand({ thingName: 'bad-1', payload: json(doc) })),
        'InvalidRequestException',
        400,
      );
      assert.equal(err.message, message);
    }
    await expectAwsError(
      () =>
        data.send(
          new UpdateThingShadowCommand({
            thingName: 'bad-1',
            payload: json({ state: { reported: { big: 'x'.repeat(9000) } } }),
          }),
        ),
      'RequestEntityTooLargeException',
      413,
    );
    await expectAwsError(
      () =>
        data.send(
          new UpdateThingShadowCommand({ thingName: 'bad-1', payload: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
        ),
      'UnsupportedDocumentEncodingException',
      415,
    );
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'bad-1' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('a document nested deeper than 6 levels is InvalidRequestException 400, even 10,000 levels deep', async () => {
    const tooDeep = 'JSON contains too many levels of nesting; maximum is 6';
    const seven = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    const err = await expectAwsError(
      () =>
        data.send(new UpdateThingShadowCommand({ thingName: 'deep-1', payload: json({ state: { desired: seven } }) })),
      'InvalidRequestException',
      400,
    );
    assert.equal(err.message, tooDeep);
    const depth = 10_000;
    const deep = `{"state":{"desired":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    const deepErr = await expectAwsError(
      () => data.send(new UpdateThingShadowCommand({ thingName: 'deep-1', payload: new TextEncoder().encode(deep) })),
      'InvalidRequestException',
      400,
    );
    assert.equal(deepErr.message, tooDeep);
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'deep-1' })),
      'ResourceNotFoundException',
    );
  });

  test('bad thing and shadow names are InvalidRequestException', async () => {
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'has space' })),
      'InvalidRequestException',
      400,
    );
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'ok', shadowName: 'bad.name' })),
      'InvalidRequestException',
      400,
    );
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'ok', shadowName: 'n'.repeat(65) })),
      'InvalidRequestException',
      400,
    );
  });

  test('named shadows live beside the classic one and are listed by ListNamedShadowsForThing', async () => {
    for (const name of ['config', 'firmware', '$meta:1']) {
      await data.send(
        new UpdateThingShadowCommand({
          thingName: 'multi',
          shadowName: name,
          payload: json({ state: { reported: { n: name } } }),
        }),
      );
    }
    await data.send(
      new UpdateThingShadowCommand({ thingName: 'multi', payload: json({ state: { reported: { classic: true } } }) }),
    );
    const cfg = decode(
      (await data.send(new GetThingShadowCommand({ thingName: 'multi', shadowName: 'config' }))).payload,
    );
    assert.deepEqual(cfg.state, { reported: { n: 'config' } });
    const classic = decode((await data.send(new GetThingShadowCommand({ thingName: 'multi' }))).payload);
    assert.deepEqual(classic.state, { reported: { classic: true } });

    const all = await data.send(new ListNamedShadowsForThingCommand({ thingName: 'multi' }));
    assert.deepEqual(all.results, ['$meta:1', 'config', 'firmware']);
    assert.equal(all.nextToken, undefined);
    assert.equal(typeof all.timestamp, 'number');

    const first = await data.send(new ListNamedShadowsForThingCommand({ thingName: 'multi', pageSize: 2 }));
    assert.deepEqual(first.results, ['$meta:1', 'config']);
    assert.ok(first.nextToken);
    const second = await data.send(
      new ListNamedShadowsForThingCommand({ thingName: 'multi', pageSize: 2, nextToken: first.nextToken }),
    );
    assert.deepEqual(second.results, ['firmware']);
    assert.equal(second.nextToken, undefined);

    const none = await data.send(new ListNamedShadowsForThingCommand({ thingName: 'no-shadows' }));
    assert.deepEqual(none.results, []);

    const missing = await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'multi', shadowName: 'nope' })),
      'ResourceNotFoundException',
      404,
    );
    assert.equal(missing.message, "No shadow exists with name: 'multi~nope'");
  });

  test('DeleteThingShadow answers {version, timestamp}, then the shadow is gone and the version continues', async () => {
    await data.send(
      new UpdateThingShadowCommand({
        thingName: 'del-1',
        shadowName: 's',
        payload: json({ state: { reported: { a: 1 } } }),
      }),
    );
    await data.send(
      new UpdateThingShadowCommand({
        thingName: 'del-1',
        shadowName: 's',
        payload: json({ state: { reported: { a: 2 } } }),
      }),
    );
    const del = decode(
      (await data.send(new DeleteThingShadowCommand({ thingName: 'del-1', shadowName: 's' }))).payload,
    );
    assert.deepEqual(Object.keys(del), ['version', 'timestamp']);
    assert.equal(del.version, 2);
    await expectAwsError(
      () => data.send(new GetThingShadowCommand({ thingName: 'del-1', shadowName: 's' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => data.send(new DeleteThingShadowCommand({ thingName: 'del-1', shadowName: 's' })),
      'ResourceNotFoundException',
      404,
    );
    assert.deepEqual((await data.send(new ListNamedShadowsForThingCommand({ thingName: 'del-1' }))).results, []);
    const again = await data.send(
      new UpdateThingShadowCommand({
        thingName: 'del-1',
        shadowName: 's',
        payload: json({ state: { reported: { a: 3 } } }),
      }),
    );
    assert.equal(decode(again.payload).version, 3);
  });

  test('an HTTP update publishes update/accepted, update/delta and update/documents on MQTT', async () => {
    const from = heard.length;
    const up = await data.send(
      new UpdateThingShadowCommand({
        thingName: 'pub-1',
        payload: json({ state: { desired: { on: true } }, clientToken: 'h1' }),
      }),
    );
    const msgs = await waitFor('$aws/things/pub-1/shadow/', 3, from);
    assert.deepEqual(
      msgs.map((m) => m.topic),
      ['update/accepted', 'update/delta', 'update/documents'],
    );
    assert.deepEqual(msgs[0]!.doc, decode(up.payload));
    assert.deepEqual(msgs[1]!.doc.state, { on: true });
    assert.equal(msgs[1]!.doc.clientToken, 'h1');
    assert.equal(msgs[2]!.doc.current.version, 1);
  });

  test('an HTTP delete publishes delete/accepted; HTTP gets and errors publish nothing', async () => {
    await data.send(
      new UpdateThingShadowCommand({ thingName: 'pub-2', payload: json({ state: { reported: { a: 1 } } }) }),
    );
    await waitFor('$aws/things/pub-2/shadow/', 2);
    const from = heard.length;
    await data.send(new GetThingShadowCommand({ thingName: 'pub-2' }));
    await expectAwsError(
      () => data.send(new UpdateThingShadowCommand({ thingName: 'pub-2', payload: json({ state: {}, version: 7 }) })),
      'ConflictException',
    );
    await data.send(new DeleteThingShadowCommand({ thingName: 'pub-2' }));
    const msgs = await waitFor('$aws/things/pub-2/shadow/', 1, from);
    assert.deepEqual(
      msgs.map((m) => m.topic),
      ['delete/accepted'],
    );
    assert.equal(msgs[0]!.doc.version, 1);
  });

  test('Publish delivers the raw payload with its QoS to the broker', async () => {
    const from = heard.length;
    const payload = new Uint8Array([0, 1, 2, 250]);
    await data.send(new PublishCommand({ topic: 'fleet/dev-1/telemetry', qos: 1, payload }));
    const msg = heard.slice(from).find((m) => m.topic === 'fleet/dev-1/telemetry');
    assert.ok(msg, 'published on the bus');
    assert.deepEqual([...msg.payload], [...payload]);
    assert.equal(msg.qos, 1);
    assert.equal(msg.retain, false);
  });

  test('Publish to a shadow update topic updates the shadow, as a device publish would', async () => {
    await data.send(
      new PublishCommand({
        topic: '$aws/things/via-publish/shadow/update',
        payload: json({ state: { reported: { x: 1 } } }),
      }),
    );
    const msgs = await waitFor('$aws/things/via-publish/shadow/update/', 2);
    assert.deepEqual(
      msgs.map((m) => m.topic),
      ['accepted', 'documents'],
    );
    const got = decode((await data.send(new GetThingShadowCommand({ thingName: 'via-publish' }))).payload);
    assert.deepEqual(got.state, { reported: { x: 1 } });
  });

  test('Publish refuses wildcards, too many levels, reserved response topics and payloads over 128 KB', async () => {
    for (const topic of ['a/+/b', 'a/#', 'a/b/c/d/e/f/g/h/i']) {
      await expectAwsError(
        () => data.send(new PublishCommand({ topic, payload: json({}) })),
        'InvalidRequestException',
        400,
      );
    }
    await expectAwsError(
      () => data.send(new PublishCommand({ topic: '$aws/things/x/shadow/update/accepted', payload: json({}) })),
      'ForbiddenException',
      403,
    );
    // The Basic Ingest prefix does not count toward the eight levels.
    await data.send(new PublishCommand({ topic: '$aws/rules/myRule/a/b/c/d/e/f/g/h', payload: json({}) }));
    await expectAwsError(
      () => data.send(new PublishCommand({ topic: 'big', payload: new Uint8Array(128 * 1024 + 1) })),
      'RequestEntityTooLargeException',
      413,
    );
    await expectAwsError(
      () => data.send(new PublishCommand({ topic: 'q', qos: 2, payload: json({}) })),
      'InvalidRequestException',
      400,
    );
  });

  test('a retained Publish can be read back with GetRetainedMessage and is listed', async () => {
    await data.send(
      new PublishCommand({ topic: 'status/dev-9', retain: true, qos: 1, payload: json({ online: true }) }),
    );
    // The broker stores retained messages; give it a moment.
    let got;
    for (let i = 0; i < 50 && !got; i++) {
      got = await data.send(new GetRetainedMessageCommand({ topic: 'status/dev-9' })).catch(() => undefined);
      if (!got) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(got, 'retained message stored');
    assert.equal(got.topic, 'status/dev-9');
    assert.deepEqual(decode(got.payload), { online: true });
    assert.equal(got.qos, 1);
    assert.ok(Math.abs(Number(got.lastModifiedTime) - Date.now()) < 10_000, 'lastModifiedTime in epoch ms');

    const list = await data.send(new ListRetainedMessagesCommand({}));
    const entry = list.retainedTopics?.find((r) => r.topic === 'status/dev-9');
    assert.ok(entry);
    assert.equal(Number(entry.payloadSize), JSON.stringify({ online: true }).length);
    assert.equal(entry.qos, 1);

    // An empty retained payload deletes it.
    await data.send(new PublishCommand({ topic: 'status/dev-9', retain: true, payload: new Uint8Array() }));
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = await data
        .send(new GetRetainedMessageCommand({ topic: 'status/dev-9' }))
        .then(() => false)
        .catch((e: Error) => e.name === 'ResourceNotFoundException');
      if (!gone) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(gone, 'retained message deleted');
  });

  test('GetRetainedMessage of a topic with nothing retained is ResourceNotFoundException', async () => {
    await expectAwsError(
      () => data.send(new GetRetainedMessageCommand({ topic: 'nothing/here' })),
      'ResourceNotFoundException',
      404,
    );
  });
});

describe('data-plane faults', () => {
  test('an injected throttle on a data-plane operation answers 429 as the data plane does', async () => {
    const t = await startTestEmulator();
    try {
      await t.admin('POST', 'faults', { operation: 'GetThingShadow', error: 'ThrottlingException', count: 1 });
      const res = await fetch(`${t.url}/things/any/shadow`);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('x-amzn-errortype'), 'ThrottlingException');
    } finally {
      await t.close();
    }
  });
});
