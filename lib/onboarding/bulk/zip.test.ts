import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { strFromU8, unzipSync } from 'fflate';

import { parseCsv } from '../../csv/csv';
import { generateKeyBatch } from './keygen-worker';
import { bulkZipFileName, buildBulkZip } from './zip';
import { pemHeader } from '../../pki/pem';

const ROOT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const connection = {
  mode: 'local' as const,
  region: 'us-east-1',
  endpoint: 'localhost',
  port: 8883,
  rootCa: { fileName: 'root-ca.pem', pem: ROOT, description: 'test root' },
};

describe('the bulk zip', () => {
  it('has a folder per done device and a manifest of every device', async () => {
    const keys: { thingName: string; privateKeyPem: string; publicKeyPem: string; csrPem: string }[] = [];
    await generateKeyBatch(['dev-1', 'dev-2'], (_from, batch) => keys.push(...batch));
    assert.equal(keys.length, 2);
    assert.match(keys[0]!.csrPem, /BEGIN CERTIFICATE REQUEST/);
    const zip = buildBulkZip(
      [
        {
          thingName: 'dev-1',
          status: 'done',
          certificateId: 'a'.repeat(64),
          certificateArn: `arn:aws:iot:us-east-1:123456789012:cert/${'a'.repeat(64)}`,
          certificatePem: ROOT,
          privateKeyPem: keys[0]!.privateKeyPem,
          publicKeyPem: keys[0]!.publicKeyPem,
        },
        { thingName: 'dev-2', status: 'rolled-back', reason: 'AttachPolicy failed: no, "really"' },
      ],
      connection,
      'fleet-policy',
    );
    const files = unzipSync(zip);
    const manifest = parseCsv(strFromU8(files['manifest.csv']!)).map((r) => r.fields);
    assert.deepEqual(manifest[0], ['thing_name', 'certificate_id', 'certificate_arn', 'status', 'folder', 'reason']);
    assert.deepEqual(manifest[1]!.slice(3, 5), ['done', 'dev-1']);
    assert.deepEqual(manifest[2], ['dev-2', '', '', 'rolled-back', '', 'AttachPolicy failed: no, "really"']);
    assert.ok(strFromU8(files['dev-1/private.pem.key']!).includes(pemHeader('PRIVATE KEY')));
    assert.ok(files['dev-1/config/device.json']);
    assert.equal(
      Object.keys(files).some((p) => p.startsWith('dev-2/')),
      false,
    );
    assert.equal(bulkZipFileName('my job / 1'), 'my-job-1-devices.zip');
  });
});
