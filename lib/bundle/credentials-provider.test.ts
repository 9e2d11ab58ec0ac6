/**
 * The credentials provider's part of a bundle: with a role alias chosen, the bundle's own curl script and
 * Node.js snippet get temporary credentials from the local IoT Core's credentials provider (real curl, real
 * mutual TLS, the emulator's checks of certificate, thing and iot:AssumeRoleWithCertificate).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateRoleAliasCommand, DescribeEndpointCommand } from '@aws-sdk/client-iot';

import { onboardDevice, type DeviceCredentials } from '../../emulator/test/devices';
import { startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { type BundleInput, bundleFileName, bundleFiles } from './bundle';
import { zipBundle } from './zip';

const run = promisify(execFile);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skip = !has('curl') || !has('unzip') ? 'curl or unzip is not installed' : false;

const base = (over: Partial<BundleInput> = {}): BundleInput => ({
  thingName: 'cam-1',
  endpoint: 'localhost',
  port: 8883,
  mode: 'local',
  region: 'us-east-1',
  certificateId: 'c'.repeat(64),
  certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  rootCa: {
    fileName: 'root-ca.pem',
    pem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
    description: 'x',
  },
  ...over,
});

describe('bundle files for the credentials provider (pure)', () => {
  test('without a role alias the bundle has none of them', () => {
    const paths = bundleFiles(base()).map((f) => f.path);
    assert.ok(!paths.some((p) => p.includes('credentials-provider')));
    assert.doesNotMatch(String(bundleFiles(base()).find((f) => f.path.endsWith('README.md'))!.content), /role alias/);
  });

  test('with one: a curl script, a JS snippet, the README section, device.json and device.env', () => {
    const files = bundleFiles(
      base({
        credentialsProvider: { endpoint: 'abc.credentials.iot.eu-west-1.amazonaws.com', roleAlias: 'cam-uploads' },
      }),
    );
    const file = (suffix: string) => String(files.find((f) => f.path.endsWith(suffix))!.content);
    const url = 'https://abc.credentials.iot.eu-west-1.amazonaws.com/role-aliases/cam-uploads/credentials';
    assert.ok(files.find((f) => f.path.endsWith('config/credentials-provider.sh'))!.executable);
    assert.ok(
      file('config/credentials-provider.sh').includes(
        `curl --silent --show-error --cert certificate.pem.crt --key private.pem.key --cacert root-ca.pem -H 'x-amzn-iot-thingname: cam-1' ${url} --fail-with-body`,
      ),
    );
    assert.match(file('config/aws-credentials-provider.js'), new RegExp(url));
    assert.match(file('README.md'), /role alias `cam-uploads`/);
    assert.match(file('README.md'), /curl --silent --show-error/);
    assert.deepEqual(JSON.parse(file('config/device.json')).credentialsProvider, {
      endpoint: 'abc.credentials.iot.eu-west-1.amazonaws.com',
      roleAlias: 'cam-uploads',
      url,
    });
    assert.match(file('config/device.env'), /^IOT_ROLE_ALIAS='cam-uploads'$/m);
  });

  test('a role alias or endpoint that is not one is refused', () => {
    assert.throws(
      () => bundleFiles(base({ credentialsProvider: { endpoint: 'x', roleAlias: "a'; rm -rf /" } })),
      /roleAlias/,
    );
    assert.throws(() => bundleFiles(base({ credentialsProvider: { endpoint: 'x/y?z', roleAlias: 'a' } })), /endpoint/);
  });
});

describe('a bundle’s credentials provider files against the local IoT Core', { skip }, () => {
  let t: TestEmulator;
  let dir: string;
  let device: DeviceCredentials;
  let folder: string;

  before(async () => {
    t = await startTestEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-creds-'));
    const region = t.emulator.config.region;
    const account = t.emulator.config.accountId;
    await t.iot.send(
      new CreateRoleAliasCommand({ roleAlias: 'cam-uploads', roleArn: 'arn:aws:iam::123456789012:role/cam-uploads' }),
    );
    device = await onboardDevice(t, 'cam-7', {
      name: 'cam-assume',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iot:AssumeRoleWithCertificate',
            Resource: `arn:aws:iot:${region}:${account}:rolealias/cam-uploads`,
          },
        ],
      },
    });
    const endpoint = (await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' })))
      .endpointAddress!;
    const files = bundleFiles(
      base({
        thingName: 'cam-7',
        certificateId: device.certificateId,
        certificatePem: device.certPem,
        privateKeyPem: device.keyPem,
        rootCa: { fileName: 'root-ca.pem', pem: device.caPem, description: 'The local IoT Core root.' },
        credentialsProvider: { endpoint, roleAlias: 'cam-uploads' },
      }),
    );
    const zipFile = path.join(dir, bundleFileName('cam-7'));
    fs.writeFileSync(zipFile, zipBundle(files));
    execFileSync('unzip', ['-q', zipFile, '-d', dir]);
    folder = path.join(dir, 'cam-7');
  });
  after(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('config/credentials-provider.sh prints credentials in AWS’s shape', async () => {
    // Asynchronously: the emulator runs in this process and must keep answering while curl runs.
    const { stdout } = await run(path.join(folder, 'config', 'credentials-provider.sh'), [], {
      cwd: os.tmpdir(),
      timeout: 15_000,
    });
    const body = JSON.parse(stdout) as { credentials: Record<string, string> };
    assert.match(body.credentials.accessKeyId!, /^ASIA/);
    assert.ok(Date.parse(body.credentials.expiration!) > Date.now());
  });

  test('config/aws-credentials-provider.js gets them with Node’s https, as the AWS SDK would call it', async () => {
    const { stdout } = await run(process.execPath, [path.join(folder, 'config', 'aws-credentials-provider.js')], {
      cwd: os.tmpdir(),
      timeout: 15_000,
    });
    assert.match(stdout, /^Credentials for cam-7 \(ASIA[A-Z0-9]+\) valid until \d{4}-/);
  });
});
