/**
 * The emulator's part of the hostile-input suite (issue 11): malformed and hostile requests to the HTTP API
 * (hostile-http-cases.ts) and to the MQTT broker (below), each answered with a clear 4xx carrying AWS's exception
 * name and a message, or an MQTT reason code / shadow `/rejected` reply; none with a 5xx, and the emulator still
 * serving afterwards. The counts are printed for the record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreatePolicyCommand, ListThingsCommand } from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { presignMqttUrl } from '../../lib/mqtt/presign';
import { ALLOW_ALL, type DeviceCredentials, nextMessage, onboardDevice } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';
import { type HttpCase, httpCases } from './hostile-http-cases';
import { rawRequest, upgradeStatus } from './raw-http';

const tally = { sent: 0, http4xx: 0, http5xx: 0, reasonCodes: 0, rejectedReplies: 0, subackFailures: 0 };
const byStatus: Record<number, number> = {};

function connect5(t: TestEmulator, creds: DeviceCredentials, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(t.emulator.urls.mqtt, {
      clientId,
      cert: creds.certPem,
      key: creds.keyPem,
      ca: creds.caPem,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

type Packet = Record<string, any> & { cmd: string };

/**
 * Writes a packet exactly as given (mqtt.js itself refuses some of these before sending) and resolves with the
 * broker's answer to it: the acknowledgement with its message id, or a DISCONNECT, or `closed`.
 */
function exchange(client: MqttClient, packet: Packet, answer: string, ms = 3000): Promise<Packet | 'closed'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${answer} for ${JSON.stringify(packet).slice(0, 200)} within ${ms} ms`));
    }, ms);
    const onPacket = (p: Packet) => {
      if ((p.cmd === answer && p.messageId === packet.messageId) || p.cmd === 'disconnect') {
        done();
        resolve(p);
      }
    };
    const onClose = () => {
      done();
      resolve('closed');
    };
    const done = () => {
      clearTimeout(timer);
      client.off('packetreceive', onPacket);
      client.off('close', onClose);
    };
    client.on('packetreceive', onPacket);
    client.on('close', onClose);
    client.stream.write(mqttPacket.generate(packet as never, { protocolVersion: 5 }));
  });
}

let nextId = 40_000;

describe('hostile inputs to the local IoT Core', { timeout: 120_000 }, () => {
  let t: TestEmulator;
  let device: DeviceCredentials;
  let client: MqttClient;
  let token: string;
  const thing = 'hostile-dev';
  const shadow = `$aws/things/${thing}/shadow`;

  /** The device's connection, made again when a refusal closed it. */
  async function live(): Promise<MqttClient> {
    if (client?.connected) return client;
    client = await connect5(t, device, thing);
    await client.subscribeAsync([`${shadow}/+/rejected`, `${shadow}/+/accepted`], { qos: 1 });
    return client;
  }

  before(async () => {
    t = await startTestEmulator();
    token = t.emulator.adminToken;
    device = await onboardDevice(t, thing, { name: 'hostile-all', document: ALLOW_ALL });
    await t.iot.send(
      new CreatePolicyCommand({ policyName: 'hostile-policy', policyDocument: JSON.stringify(ALLOW_ALL) }),
    );
    await live();
  });
  after(async () => {
    client?.end(true);
    await t?.close();
    const line = `hostile inputs: ${tally.sent} sent; HTTP 4xx ${tally.http4xx} (${JSON.stringify(byStatus)}), MQTT reason codes ${tally.reasonCodes}, SUBACK failures ${tally.subackFailures}, shadow /rejected replies ${tally.rejectedReplies}; 5xx ${tally.http5xx}`;
    console.log(line);
  });

  test('the HTTP API answers every hostile request with a 4xx, its AWS exception and a message', async () => {
    const cases = httpCases({
      port: t.emulator.config.httpPort,
      certificateId: device.certificateId,
      certificateArn: device.certificateArn,
      policyName: 'hostile-policy',
      thingName: thing,
    });
    assert.ok(cases.length >= 90, `${cases.length} HTTP cases`);
    const failures: string[] = [];
    for (const c of cases) {
      const res = await send(c);
      tally.sent++;
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      if (res.status >= 500) tally.http5xx++;
      else if (res.status >= 400) tally.http4xx++;
      const problem = judge(c, res);
      if (problem) failures.push(`${c.name} (${c.method} ${c.path.slice(0, 80)}): ${problem}`);
    }
    assert.deepEqual(failures, []);
  });

  async function send(c: HttpCase) {
    const body =
      c.body === undefined || typeof c.body === 'string' || Buffer.isBuffer(c.body) ? c.body : JSON.stringify(c.body);
    return rawRequest(t.url, c.path, {
      method: c.method,
      host: c.host,
      headers: { ...(c.admin ? { authorization: `Bearer ${token}` } : {}), ...c.headers },
      body: body as string | Buffer | undefined,
    });
  }

  function judge(c: HttpCase, res: Awaited<ReturnType<typeof send>>): string | undefined {
    if (res.status !== c.status) return `status ${res.status}, expected ${c.status}: ${res.text.slice(0, 300)}`;
    if (res.headers['x-amzn-errortype'] !== c.type) return `x-amzn-ErrorType ${res.headers['x-amzn-errortype']}`;
    if (res.json?.__type !== c.type) return `__type ${String(res.json?.__type)}`;
    const message = res.json?.message;
    if (typeof message !== 'string' || message.length === 0) return 'no message';
    if (c.message && !c.message.test(message)) return `message "${message}" does not match ${c.message}`;
    if (/at .*\.ts:\d+|Error:|\n\s+at /.test(message)) return `message leaks internals: ${message}`;
    return undefined;
  }

  test('the broker refuses hostile PUBLISHes with AWS reason codes', async () => {
    const publishes: [string, Record<string, unknown>, number][] = [
      ['a + wildcard in a topic name', { topic: 'h/+/x' }, 0x90],
      ['a # wildcard in a topic name', { topic: 'h/#' }, 0x90],
      ['a topic of 300 bytes', { topic: `h/${'t'.repeat(298)}` }, 0x90],
      ['a topic of nine levels', { topic: 'h/1/2/3/4/5/6/7/8' }, 0x90],
      ['a topic with a NUL character', { topic: 'h/a\u0000b' }, 0x90],
      ['a payload over 128 KB', { topic: 'h/big', payload: Buffer.alloc(128 * 1024 + 1) }, 0x97],
      ['a publish to a shadow response topic', { topic: `${shadow}/update/accepted` }, 0x87],
      ['a publish to a lifecycle event topic', { topic: '$aws/events/presence/connected/someone' }, 0x87],
      ['a publish to an unknown reserved topic', { topic: '$aws/anything/else' }, 0x87],
      ['a publish to $SYS', { topic: '$SYS/broker/uptime' }, 0x87],
      ['a shadow topic for an invalid thing name', { topic: '$aws/things/has space/shadow/update' }, 0x87],
    ];
    for (const [name, fields, code] of publishes) {
      const c = await live();
      const messageId = nextId++;
      const answer = await exchange(
        c,
        { cmd: 'publish', qos: 1, retain: false, dup: false, payload: 'x', messageId, ...fields },
        'puback',
      );
      tally.sent++;
      assert.notEqual(answer, 'closed', `${name}: the broker closed without a reason code`);
      const got = (answer as Packet).reasonCode;
      assert.equal(got, code, `${name}: reason code 0x${Number(got).toString(16)}`);
      tally.reasonCodes++;
    }
  });

  test('a QoS 2 PUBLISH is refused: QoS not supported', async () => {
    const c = await live();
    const answer = await exchange(
      c,
      { cmd: 'publish', qos: 2, retain: false, dup: false, topic: 'h/qos2', payload: 'x', messageId: nextId++ },
      'pubrec',
    );
    tally.sent++;
    assert.notEqual(answer, 'closed', 'the broker closed without a reason code');
    assert.ok([0x9b, 0x87].includes((answer as Packet).reasonCode), `reason ${(answer as Packet).reasonCode}`);
    tally.reasonCodes++;
  });

  test('the broker refuses hostile SUBSCRIBE filters with SUBACK failure codes', async () => {
    const filters: [string, { topic: string; qos: number }[], number[]][] = [
      ['# not at the end', [{ topic: 'h/#/x', qos: 0 }], [0x8f]],
      ['+ inside a level', [{ topic: 'h/a+', qos: 0 }], [0x8f]],
      ['a filter of 300 bytes', [{ topic: `h/${'f'.repeat(298)}`, qos: 0 }], [0x8f]],
      ['a filter of nine levels', [{ topic: 'h/1/2/3/4/5/6/7/8', qos: 0 }], [0x8f]],
      ['a shared subscription without a filter', [{ topic: '$share/group', qos: 0 }], [0x8f]],
      ['a shared subscription with a wildcard group', [{ topic: '$share/g+/h/x', qos: 0 }], [0x8f]],
      ['a filter with a NUL character', [{ topic: 'h/a\u0000', qos: 0 }], [0x8f]],
      [
        'nine filters in one SUBSCRIBE',
        Array.from({ length: 9 }, (_, i) => ({ topic: `h/many/${i}`, qos: 0 })),
        Array(9).fill(0x97),
      ],
    ];
    for (const [name, subscriptions, codes] of filters) {
      const c = await live();
      const messageId = nextId++;
      const answer = await exchange(c, { cmd: 'subscribe', messageId, subscriptions }, 'suback');
      tally.sent++;
      assert.notEqual(answer, 'closed', `${name}: the broker closed without a SUBACK`);
      assert.deepEqual((answer as Packet).granted, codes, name);
      tally.subackFailures++;
    }
    // QoS 2 is not refused but granted as QoS 1, AWS's maximum.
    const granted = await exchange(
      await live(),
      { cmd: 'subscribe', messageId: nextId++, subscriptions: [{ topic: 'h/q2', qos: 2 }] },
      'suback',
    );
    tally.sent++;
    assert.deepEqual((granted as Packet).granted, [1]);
    tally.reasonCodes++;
  });

  test('the broker refuses bad client ids with CONNACK 0x85', async () => {
    for (const [name, clientId] of [
      ['a client id starting with $', '$sys-client'],
      ['a client id of 129 bytes', 'c'.repeat(129)],
      ['an empty client id', ''],
    ] as const) {
      const err = await connect5(t, device, clientId).then(
        (c) => {
          c.end(true);
          return undefined;
        },
        (e: Error & { code?: number }) => e,
      );
      tally.sent++;
      assert.ok(err, `${name} connected`);
      assert.equal(err.code, 0x85, `${name}: ${err.message}`);
      tally.reasonCodes++;
    }
  });

  test('malformed shadow requests are answered on /rejected with AWS codes and wording', async () => {
    const deep = `{"clientToken":"deep","state":{"desired":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`;
    const requests: [string, string, string | Buffer, number, RegExp][] = [
      ['JSON that does not parse', 'update', '{"state": ', 400, /invalid json/i],
      ['no state', 'update', '{"desired":{}}', 400, /Missing required node: state/],
      ['state that is a string', 'update', '{"state":"on"}', 400, /State node must be an object/],
      ['desired that is a list', 'update', '{"state":{"desired":[1]}}', 400, /Desired node must be an object/],
      ['an unknown section', 'update', '{"state":{"delta":{}}}', 400, /invalid node/],
      ['a version that is a word', 'update', '{"state":{},"version":"one"}', 400, /Invalid version/],
      ['a null in an array', 'update', '{"state":{"reported":{"a":[null]}}}', 400, /Invalid JSON/],
      ['a document 10,000 levels deep', 'update', deep, 400, /too many levels of nesting; maximum is 6/],
      [
        'a state over 8 KB',
        'update',
        JSON.stringify({ state: { reported: { x: 'x'.repeat(9000) } } }),
        413,
        /maximum size/,
      ],
      ['bytes that are not UTF-8', 'update', Buffer.from([0x7b, 0xff, 0x7d]), 415, /UTF-8/],
      ['a clientToken of 65 bytes on get', 'get', JSON.stringify({ clientToken: 't'.repeat(65) }), 400, /clientToken/],
      ['a clientToken that is a number on delete', 'delete', '{"clientToken":5}', 400, /clientToken/],
      ['a get of a shadow that does not exist', 'get', '{}', 404, /No shadow exists/],
    ];
    for (const [name, op, payload, code, message] of requests) {
      const c = await live();
      const reply = nextMessage(c, `${shadow}/${op}/rejected`);
      await c.publishAsync(`${shadow}/${op}`, payload, { qos: 1 });
      tally.sent++;
      const doc = JSON.parse((await reply).payload.toString()) as { code: number; message: string };
      assert.equal(doc.code, code, name);
      assert.match(doc.message, message, name);
      tally.rejectedReplies++;
    }
  });

  test('the MQTT WebSocket refuses a page from another origin and a foreign Host with 403', async () => {
    const signed = new URL(
      await presignMqttUrl({
        url: t.emulator.urls.mqttWebSocket,
        region: 'us-east-1',
        credentials: t.emulator.config.credentials,
      }),
    );
    const at = signed.pathname + signed.search;
    const refusedHeaders: Record<string, string>[] = [
      { origin: 'http://attacker.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { host: 'evil.example' },
    ];
    for (const headers of refusedHeaders) {
      const status = await upgradeStatus(t.url, at, headers);
      tally.sent++;
      if (status >= 500) tally.http5xx++;
      else if (status >= 400) tally.http4xx++;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      assert.equal(status, 403, JSON.stringify(headers));
    }
  });

  test('afterwards the emulator still serves the API and the broker, and nothing answered 5xx', async () => {
    await t.iot.send(new ListThingsCommand({}));
    const c = await live();
    const reply = nextMessage(c, `${shadow}/update/accepted`);
    await c.publishAsync(`${shadow}/update`, '{"state":{"reported":{"ok":true}}}', { qos: 1 });
    assert.deepEqual(JSON.parse((await reply).payload.toString()).state, { reported: { ok: true } });
    assert.equal(tally.http5xx, 0);
    assert.ok(tally.sent >= 90, `${tally.sent} hostile inputs sent`);
  });
});
