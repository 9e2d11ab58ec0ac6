import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { zipSync } from 'fflate';

import { bundleFiles, zipBundle, type BundleInput } from '../bundle';
import { BundleError, devicesFromDirectory, devicesFromZip } from './bundle';
import { explainConnectError } from './simulator';
import { deltaFrom, mergeState, nextTemperature, reportMessage } from './state';
import { toPem } from '../pki/pem';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
/** A key-shaped stand-in: these tests read bundles, they never use the key. */
const KEY = toPem('PRIVATE KEY', new Uint8Array([0x30, 0x82, 0x04]));

function input(thingName: string, extra: Partial<BundleInput> = {}): BundleInput {
  return {
    thingName,
    endpoint: 'localhost',
    port: 18883,
    mode: 'local',
    region: 'us-east-1',
    certificateId: 'a'.repeat(64),
    certificatePem: CERT,
    privateKeyPem: KEY,
    rootCa: { fileName: 'root-ca.pem', pem: CERT, description: 'test root' },
    ...extra,
  };
}

describe('reading credential bundles', () => {
  test('a single bundle zip gives one device with its endpoint, topics and PEMs', () => {
    const [device, ...rest] = devicesFromZip(zipBundle(bundleFiles(input('sensor-1'))), 'sensor-1.zip');
    assert.equal(rest.length, 0);
    assert.equal(device!.thingName, 'sensor-1');
    assert.equal(device!.clientId, 'sensor-1');
    assert.equal(device!.endpoint, 'localhost');
    assert.equal(device!.port, 18883);
    assert.deepEqual(device!.topics, {
      telemetry: 'sensor-1/telemetry',
      shadowUpdate: '$aws/things/sensor-1/shadow/update',
      shadowUpdateDelta: '$aws/things/sensor-1/shadow/update/delta',
    });
    assert.equal(device!.privateKeyPem, KEY);
    assert.equal(device!.certificatePem, CERT);
  });

  test('a bulk zip gives every folder that holds config/device.json, whatever else is in it', () => {
    const files = ['b-2', 'a-1', 'c-3'].flatMap((n) => bundleFiles(input(n)));
    const zip = zipBundle([...files, { path: 'manifest.csv', content: 'thingName\na-1\n' }]);
    assert.deepEqual(
      devicesFromZip(zip).map((d) => d.thingName),
      ['a-1', 'b-2', 'c-3'],
    );
  });

  test('a re-downloaded bundle without the private key says so', () => {
    const zip = zipBundle(bundleFiles(input('later', { privateKeyPem: undefined })));
    assert.throws(
      () => devicesFromZip(zip),
      (err: Error) => err instanceof BundleError && /downloaded again later and has no private key/.test(err.message),
    );
  });

  test('a file that is not a zip, and a zip with no device, are clear errors', () => {
    assert.throws(() => devicesFromZip(new TextEncoder().encode('hello'), 'x.zip'), /Cannot read x.zip as a zip file/);
    assert.throws(
      () => devicesFromZip(zipSync({ 'readme.txt': new TextEncoder().encode('hi') }), 'y.zip'),
      /holds no device/,
    );
  });

  test('an unpacked folder works, alone or as a parent of device folders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'device-bundle-'));
    try {
      for (const f of [...bundleFiles(input('d-1')), ...bundleFiles(input('d-2'))]) {
        const full = path.join(dir, f.path);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, f.content);
      }
      assert.deepEqual(
        devicesFromDirectory(dir).map((d) => d.thingName),
        ['d-1', 'd-2'],
      );
      assert.deepEqual(
        devicesFromDirectory(path.join(dir, 'd-2')).map((d) => d.thingName),
        ['d-2'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('device state', () => {
  test('the temperature walks at most one step and stays within bounds', () => {
    assert.equal(
      nextTemperature(20, () => 1),
      20.3,
    );
    assert.equal(
      nextTemperature(20, () => 0),
      19.7,
    );
    assert.equal(
      nextTemperature(59.9, () => 1),
      60,
    );
    assert.equal(
      nextTemperature(-20, () => 0),
      -20,
    );
  });

  test('a delta merges like a shadow update: nested objects merge, null deletes, values and arrays replace', () => {
    const before = { led: 'off', config: { rate: 5, mode: 'eco' }, tags: [1, 2], gone: true };
    const after = mergeState(before, { led: 'on', config: { rate: 10 }, tags: [3], gone: null, check: 'n1' });
    assert.deepEqual(after, { led: 'on', config: { rate: 10, mode: 'eco' }, tags: [3], check: 'n1' });
    assert.deepEqual(before.config, { rate: 5, mode: 'eco' }, 'the original is untouched');
    const proto = mergeState({}, JSON.parse('{"__proto__": {"polluted": 1}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
  });

  test('deltas are read from update/delta and from get/accepted', () => {
    assert.deepEqual(deltaFrom({ state: { check: 'x' }, version: 3 }, 'delta'), { check: 'x' });
    assert.deepEqual(deltaFrom({ state: { desired: { a: 1 }, delta: { a: 1 } } }, 'get-accepted'), { a: 1 });
    assert.equal(deltaFrom({ state: { desired: { a: 1 } } }, 'get-accepted'), undefined);
    assert.equal(deltaFrom('nope', 'delta'), undefined);
    assert.equal(reportMessage({ a: 1 }), '{"state":{"reported":{"a":1}}}');
  });
});

describe('connection errors in plain words', () => {
  const b = { endpoint: 'localhost', port: 8883, clientId: 'dev-1' };
  test('CONNACK 5 is a Connect refused by policy', () => {
    const err = explainConnectError(
      Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }),
      b,
      true,
    );
    assert.match(err.message, /Connect refused by policy.*client id dev-1/);
  });
  test('a handshake failure is TLS refused', () => {
    const err = explainConnectError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), b, false);
    assert.match(err.message, /TLS refused.*certificate not ACTIVE or not registered\?/);
  });
  test('nothing listening is named', () => {
    assert.match(
      explainConnectError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), b, false).message,
      /Nothing accepts connections at localhost:8883/,
    );
  });
});
