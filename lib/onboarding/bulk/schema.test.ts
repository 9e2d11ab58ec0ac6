import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { generateDeviceKeys, type DeviceKeys } from '../../pki/browser-keys';
import { deviceBatchSchema } from './schema';
import { pemFooter, pemHeader } from '../../pki/pem';

/**
 * The bulk job's device batches come from the browser (a public endpoint): a CSR field that holds a private key
 * must be refused with a message that says so and does not echo the key, so the key is never stored in the job.
 */
describe('bulk device batches', () => {
  let keys: DeviceKeys;
  before(async () => {
    keys = await generateDeviceKeys('bulk-key-1');
  });

  const batch = (csrPem: string) => ({
    jobId: '00000000-0000-4000-8000-000000000000',
    from: 0,
    devices: [{ thingName: 'bulk-key-1', attributes: {}, csrPem }],
  });

  const refusal = (csrPem: string) => {
    const parsed = deviceBatchSchema.safeParse(batch(csrPem));
    assert.equal(parsed.success, false, 'refused');
    return parsed.error!.issues.map((i) => i.message).join(' | ');
  };

  test('a CSR is accepted', () => {
    assert.equal(deviceBatchSchema.safeParse(batch(keys.csrPem)).success, true);
  });

  test('a private key pasted instead of the CSR is refused as a private key, without echoing it', () => {
    const message = refusal(keys.privateKeyPem);
    assert.match(message, /private key/i);
    assert.ok(!message.includes(keys.privateKeyPem.split('\n')[1]!), 'the key is not in the message');
  });

  test('a CSR with its private key appended, or a key inside CSR markers, is refused as a private key', () => {
    assert.match(refusal(`${keys.csrPem}${keys.privateKeyPem}`), /private key/i);
    assert.match(refusal(`${keys.privateKeyPem}${keys.csrPem}`), /private key/i);
    const body = keys.privateKeyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').trim();
    const wrapped = `-----BEGIN CERTIFICATE REQUEST-----\n${pemHeader('EC PRIVATE KEY')}\n${body}\n${pemFooter('EC PRIVATE KEY')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.match(refusal(wrapped), /private key/i);
  });
});
