import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  CLAIM_BUNDLE_PATHS,
  type ClaimBundleInput,
  ClaimBundleError,
  claimBundleFileName,
  claimBundleFiles,
  claimExpired,
  readClaimBundle,
} from './claim-bundle';
import { readZip, zipBundle } from './zip';
import { pemFooter, pemHeader } from '../pki/pem';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBclaim\n-----END CERTIFICATE-----';
const KEY = `${pemHeader('RSA PRIVATE KEY')}\nMIIEkey\n${pemFooter('RSA PRIVATE KEY')}`;
const ROOT = '-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----\n';

const input: ClaimBundleInput = {
  mode: 'local',
  region: 'us-east-1',
  endpoint: 'localhost',
  port: 8883,
  rootCa: { fileName: 'local-iot-root-ca.pem', pem: ROOT, description: 'the local root' },
  templateName: 'widgets',
  claimCertificatePem: CERT,
  claimPrivateKeyPem: KEY,
  claimCertificateId: 'a'.repeat(64),
  expiresAt: new Date('2030-01-01T00:05:00Z'),
  parameters: ['SerialNumber'],
};

const decoder = new TextDecoder();

describe('claim bundle', () => {
  test('one folder: claim certificate, key (0600), root CA and config/claim.json', () => {
    const files = claimBundleFiles(input, [{ path: 'README.md', content: '# claim' }]);
    assert.deepEqual(
      files.map((f) => [f.path, f.mode]),
      [
        ['widgets-claim/claim/claim.pem.crt', undefined],
        ['widgets-claim/claim/claim.private.pem.key', 0o600],
        ['widgets-claim/local-iot-root-ca.pem', undefined],
        ['widgets-claim/config/claim.json', undefined],
        ['widgets-claim/README.md', undefined],
      ],
    );
    const config = JSON.parse(files[3]!.content as string);
    assert.deepEqual(config, {
      kind: 'fleet-provisioning-claim',
      version: 1,
      templateName: 'widgets',
      endpoint: 'localhost',
      port: 8883,
      mode: 'local',
      region: 'us-east-1',
      claimCertificateId: 'a'.repeat(64),
      expiresAt: '2030-01-01T00:05:00.000Z',
      parameters: ['SerialNumber'],
      files: {
        claimCertificate: CLAIM_BUNDLE_PATHS.claimCertificate,
        claimPrivateKey: CLAIM_BUNDLE_PATHS.claimPrivateKey,
        rootCa: 'local-iot-root-ca.pem',
      },
    });
    assert.equal(claimBundleFileName('widgets'), 'widgets-claim.zip');
  });

  test('reads back from its zip, and unzip gives the key 0600', () => {
    const zip = zipBundle(claimBundleFiles(input));
    const entries = readZip(zip);
    const bundle = readClaimBundle('claim.zip', (rel) => {
      const e = entries[`widgets-claim/${rel}`];
      return e ? decoder.decode(e) : undefined;
    });
    assert.equal(bundle.config.templateName, 'widgets');
    assert.match(bundle.claimCertificatePem, /MIIBclaim/);
    assert.match(bundle.claimPrivateKeyPem, /MIIEkey/);
    assert.match(bundle.rootCaPem, /MIIBroot/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claim-bundle-'));
    try {
      fs.writeFileSync(path.join(dir, 'claim.zip'), zip);
      execFileSync('unzip', ['-q', 'claim.zip'], { cwd: dir });
      assert.equal(
        fs.statSync(path.join(dir, 'widgets-claim', CLAIM_BUNDLE_PATHS.claimPrivateKey)).mode & 0o777,
        0o600,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('says what is wrong with a bundle that is not one', () => {
    const files = Object.fromEntries(
      claimBundleFiles(input).map((f) => [f.path.replace(/^widgets-claim\//, ''), f.content as string]),
    );
    const reading = (changes: Record<string, string | undefined>) => () =>
      readClaimBundle('b', (rel) => (rel in changes ? changes[rel] : files[rel]));
    assert.throws(reading({ [CLAIM_BUNDLE_PATHS.config]: undefined }), /no config\/claim\.json/);
    assert.throws(reading({ [CLAIM_BUNDLE_PATHS.config]: '{' }), /not valid JSON/);
    assert.throws(reading({ [CLAIM_BUNDLE_PATHS.config]: '{"kind":"device"}' }), ClaimBundleError);
    assert.throws(reading({ [CLAIM_BUNDLE_PATHS.claimPrivateKey]: undefined }), /claim private key file .* is missing/);
    assert.throws(reading({ [CLAIM_BUNDLE_PATHS.claimCertificate]: 'hello' }), /is not a PEM claim certificate/);
    assert.throws(() => claimBundleFiles({ ...input, templateName: 'bad name' }), /templateName/);
    assert.throws(() => claimBundleFiles({ ...input, claimPrivateKeyPem: 'nope' }), /not a PEM private key/);
  });

  test("a trusted-user claim's expiry is in its config", () => {
    const files = claimBundleFiles(input);
    const config = JSON.parse(files[3]!.content as string);
    assert.equal(claimExpired(config, Date.parse('2030-01-01T00:04:59Z')), false);
    assert.equal(claimExpired(config, Date.parse('2030-01-01T00:05:00Z')), true);
    const { expiresAt: _, ...forever } = input;
    assert.equal(claimExpired(JSON.parse(claimBundleFiles(forever)[3]!.content as string)), false);
  });
});
