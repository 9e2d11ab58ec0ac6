import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateProvisioningClaimCommand, DescribeThingCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { type ClaimBundleInput, claimBundleFiles } from '../../lib/bundle/claim-bundle';
import { zipBundle } from '../../lib/bundle/zip';
import { makeClaim } from './fleet-client';
import { createFleetTemplate } from './fleet-fixtures';
import { startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

/**
 * `npm run device -- --claim`: simulated devices provision themselves from a claim bundle (as lib/bundle writes
 * it), keep their credentials, reconnect with them and report their shadow; checked from the outside.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

function runSimulator(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/device.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator still running after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('device simulator: provisioning by claim (npm run device -- --claim)', () => {
  let t: TestEmulator;
  let data: IoTDataPlaneClient;
  let dir: string;

  before(async () => {
    t = await startTestEmulator();
    data = new IoTDataPlaneClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'device-claim-'));
    await createFleetTemplate(t, 'sim-fleet', { prefix: 'sim-' });
  });
  after(async () => {
    data.destroy();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeClaimZip(
    name: string,
    claim: { certPem: string; keyPem: string },
    extra: Partial<ClaimBundleInput> = {},
  ) {
    const zip = zipBundle(
      claimBundleFiles({
        mode: 'local',
        region: 'us-east-1',
        endpoint: t.emulator.config.endpointHost,
        port: t.emulator.config.mqttPort,
        rootCa: { fileName: 'local-iot-root-ca.pem', pem: t.emulator.rootCaPem, description: 'local root' },
        templateName: 'sim-fleet',
        claimCertificatePem: claim.certPem,
        claimPrivateKeyPem: claim.keyPem,
        parameters: ['SerialNumber'],
        ...extra,
      }),
    );
    const file = path.join(dir, name);
    fs.writeFileSync(file, zip);
    return file;
  }

  const reported = async (thingName: string) => {
    const out = await data.send(new GetThingShadowCommand({ thingName }));
    return JSON.parse(new TextDecoder().decode(out.payload)).state.reported as Record<string, unknown>;
  };

  test('three devices exchange the claim for their own credentials, keep them (key 0600), reconnect and report', async () => {
    const zip = writeClaimZip('claim.zip', await makeClaim(t, 'sim-fleet'));
    const out = path.join(dir, 'devices');
    const run = await runSimulator([
      '--claim',
      zip,
      '--param',
      'SerialNumber=A{i}',
      '--count',
      '3',
      '--once',
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /3 of 3 devices provisioned/);
    assert.match(run.stdout, /3 of 3 devices connected, published and reported/);
    for (const sn of ['A1', 'A2', 'A3']) {
      const thingName = `sim-${sn}`;
      assert.deepEqual((await t.iot.send(new DescribeThingCommand({ thingName }))).attributes, { serial: sn });
      const key = path.join(out, thingName, 'private.pem.key');
      assert.equal(fs.statSync(key).mode & 0o777, 0o600, `${key} is the device's secret`);
      assert.ok(fs.existsSync(path.join(out, thingName, 'config', 'device.json')));
      assert.equal((await reported(thingName)).firmware, 'device-simulator');
    }

    // The kept credentials are a bundle of their own: the device connects with them again, no claim needed.
    const again = await runSimulator([path.join(out, 'sim-A2'), '--once']);
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
  });

  test('--csr --cbor: the key is made on the device and the CBOR API is used', async () => {
    const zip = writeClaimZip('claim-csr.zip', await makeClaim(t, 'sim-fleet'));
    const out = path.join(dir, 'csr-devices');
    const run = await runSimulator([
      '--claim',
      zip,
      '--param',
      'SerialNumber=C1',
      '--csr',
      '--cbor',
      '--once',
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /CreateCertificateFromCsr/);
    assert.match(fs.readFileSync(path.join(out, 'sim-C1', 'private.pem.key'), 'utf8'), /BEGIN PRIVATE KEY/);
    assert.equal((await reported('sim-C1')).firmware, 'device-simulator');
  });

  test('a trusted-user claim from CreateProvisioningClaim works within its five minutes, and is refused after', async () => {
    const claim = await t.iot.send(new CreateProvisioningClaimCommand({ templateName: 'sim-fleet' }));
    const creds = { certPem: claim.certificatePem!, keyPem: claim.keyPair!.PrivateKey! };
    const zip = writeClaimZip('trusted.zip', creds, { expiresAt: claim.expiration });
    const run = await runSimulator([
      '--claim',
      zip,
      '--param',
      'SerialNumber=T1',
      '--once',
      '--out',
      path.join(dir, 'trusted'),
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);

    const stale = writeClaimZip('stale.zip', creds, { expiresAt: new Date(Date.now() - 1000) });
    const refused = await runSimulator(['--claim', stale, '--param', 'SerialNumber=T2', '--once']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /expired at .* five minutes/);
  });

  test('what the broker or the template refuses is said in plain words, with exit code 1', async () => {
    const zip = writeClaimZip('claim-wrong.zip', await makeClaim(t, 'sim-fleet'));
    // The claim policy covers sim-fleet only.
    const run = await runSimulator([
      '--claim',
      zip,
      '--template',
      'other-template',
      '--param',
      'SerialNumber=X1',
      '--once',
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /policy does not allow/);
    const noParam = await runSimulator(['--claim', zip, '--once', '--out', path.join(dir, 'none')]);
    assert.equal(noParam.code, 1);
    assert.match(noParam.stderr, /rejected: 400 InvalidRequest: .*SerialNumber/);
  });

  test('claim-only options without --claim, or both a bundle and a claim, are usage errors', async () => {
    const a = await runSimulator(['some.zip', '--param', 'SerialNumber=1']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--param is for fleet provisioning: give --claim too/);
    const b = await runSimulator(['some.zip', '--claim', 'claim.zip']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /either a credential bundle or --claim/);
  });
});
