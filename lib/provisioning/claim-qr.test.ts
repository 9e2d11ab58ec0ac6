import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import QRCode from 'qrcode';

import { claimCountdown, claimQrPayload } from './claim-qr';

describe('the trusted-user claim QR code', () => {
  const payload = claimQrPayload({
    endpoint: 'abcdefghij1234-ats.iot.eu-west-1.amazonaws.com',
    port: 8883,
    templateName: 'a-template-name-of-thirty-six-chars',
    certificateId: 'f'.repeat(64),
    expiresAt: '2030-01-01T00:05:00.000Z',
    bundleUrl: `https://dashboard.example.com/api/provisioning/claims/${'x'.repeat(22)}`,
  });

  test('holds no key or certificate, only where to go and a link', () => {
    assert.doesNotMatch(payload, /BEGIN|PRIVATE/);
    const parsed = JSON.parse(payload);
    assert.equal(parsed.templateName, 'a-template-name-of-thirty-six-chars');
    assert.match(parsed.bundle, /\/api\/provisioning\/claims\//);
  });

  test('fits a QR code a phone reads easily (version 15 or less at level M)', () => {
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    assert.ok(qr.version <= 15, `version ${qr.version}`);
  });

  test('counts down to the expiry and then says it is over', () => {
    const at = Date.parse('2030-01-01T00:00:00.000Z');
    assert.deepEqual(claimCountdown('2030-01-01T00:05:00.000Z', at), { seconds: 300, expired: false, left: '5:00' });
    assert.deepEqual(claimCountdown('2030-01-01T00:05:00.000Z', at + 299_500), {
      seconds: 1,
      expired: false,
      left: '0:01',
    });
    assert.equal(claimCountdown('2030-01-01T00:05:00.000Z', at + 300_000).expired, true);
  });
});
