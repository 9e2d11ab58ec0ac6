import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { strFromU8, unzipSync } from 'fflate';

import { parseCsv } from '../../csv/csv';
import { bulkZipFileName, buildBulkZip } from './zip';
import { generateDeviceKeys } from '../../pki/browser-keys';
import { pemHeader } from '../../pki/pem';
import { findTemplate, renderTemplate, templateContext } from '../../policies/templates';

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
    const keys = [await generateDeviceKeys('dev-1', 'EC')];
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
      {
        name: 'fleet-policy',
        document: renderTemplate(findTemplate('thing-shadow')!, templateContext('us-east-1', undefined)),
      },
    );
    const files = unzipSync(zip);
    const manifest = parseCsv(strFromU8(files['manifest.csv']!)).map((r) => r.fields);
    assert.deepEqual(manifest[0], ['thing_name', 'certificate_id', 'certificate_arn', 'status', 'folder', 'reason']);
    assert.deepEqual(manifest[1]!.slice(3, 5), ['done', 'dev-1']);
    assert.deepEqual(manifest[2], ['dev-2', '', '', 'rolled-back', '', 'AttachPolicy failed: no, "really"']);
    assert.ok(strFromU8(files['dev-1/private.pem.key']!).includes(pemHeader('PRIVATE KEY')));
    // Each device's bundle names the topic the job's policy lets it publish to.
    const device = JSON.parse(strFromU8(files['dev-1/config/device.json']!)) as { topics: { telemetry: string } };
    assert.equal(device.topics.telemetry, '$aws/things/dev-1/shadow/update');
    assert.equal(
      Object.keys(files).some((p) => p.startsWith('dev-2/')),
      false,
    );
    assert.equal(bulkZipFileName('my job / 1'), 'my-job-1-devices.zip');
  });
});
