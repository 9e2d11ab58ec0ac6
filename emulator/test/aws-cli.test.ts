/**
 * Interop: the AWS CLI (botocore, a client nobody here wrote) drives the emulator through the flows an
 * operator runs by hand, with keys and certificates made by openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCliSkip, iotCli } from './aws-cli';
import { startTestEmulator, type TestEmulator } from './harness';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: 'arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}',
    },
  ],
});

describe('AWS CLI interop', { skip: awsCliSkip }, () => {
  let t: TestEmulator;
  let work: string;
  const { ok: cli, fails: cliError } = iotCli(() => t.url);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = (name: string) => path.join(work, name);

  before(async () => {
    t = await startTestEmulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-interop-'));
  });
  after(async () => {
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('thing -> keys and certificate -> policy -> attachments -> clean-up in AWS order', async () => {
    const thing = await cli(
      'create-thing',
      '--thing-name',
      'cli-device',
      '--attribute-payload',
      'attributes={site=lab}',
    );
    assert.equal(thing.thingName, 'cli-device');
    const cert = await cli('create-keys-and-certificate', '--set-as-active');
    const certArn = cert.certificateArn as string;
    const certId = cert.certificateId as string;
    assert.match(certId, /^[0-9a-f]{64}$/);
    assert.match((cert.keyPair as { PrivateKey: string }).PrivateKey, /BEGIN (RSA )?PRIVATE KEY/);
    await cli('create-policy', '--policy-name', 'cli-policy', '--policy-document', POLICY);
    await cli('attach-policy', '--policy-name', 'cli-policy', '--target', certArn);
    await cli('attach-thing-principal', '--thing-name', 'cli-device', '--principal', certArn);

    const principals = await cli('list-thing-principals', '--thing-name', 'cli-device');
    assert.deepEqual(principals.principals, [certArn]);
    const attached = await cli('list-attached-policies', '--target', certArn);
    assert.deepEqual(
      (attached.policies as { policyName: string }[]).map((p) => p.policyName),
      ['cli-policy'],
    );
    const described = await cli('describe-certificate', '--certificate-id', certId);
    assert.equal((described.certificateDescription as { status: string }).status, 'ACTIVE');
    const endpoint = await cli('describe-endpoint', '--endpoint-type', 'iot:Data-ATS');
    assert.ok(endpoint.endpointAddress);

    // AWS's order refuses shortcuts: an active certificate cannot be deleted.
    const refused = await cliError('delete-certificate', '--certificate-id', certId);
    assert.match(refused, /CertificateStateException/);
    await cli('detach-thing-principal', '--thing-name', 'cli-device', '--principal', certArn);
    await cli('detach-policy', '--policy-name', 'cli-policy', '--target', certArn);
    await cli('update-certificate', '--certificate-id', certId, '--new-status', 'INACTIVE');
    await cli('delete-certificate', '--certificate-id', certId);
    await cli('delete-policy', '--policy-name', 'cli-policy');
    await cli('delete-thing', '--thing-name', 'cli-device');
    const gone = await cliError('describe-thing', '--thing-name', 'cli-device');
    assert.match(gone, /ResourceNotFoundException/);
  });

  test('a CSR made by openssl becomes a certificate that carries its key', async () => {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'device.key');
    openssl('req', '-new', '-key', 'device.key', '-subj', '/CN=csr-device', '-out', 'device.csr');
    const out = await cli(
      'create-certificate-from-csr',
      '--certificate-signing-request',
      `file://${file('device.csr')}`,
      '--set-as-active',
    );
    fs.writeFileSync(file('device.crt'), out.certificatePem as string);
    const certPub = openssl('x509', '-in', 'device.crt', '-noout', '-pubkey').toString();
    const keyPub = openssl('pkey', '-in', 'device.key', '-pubout').toString();
    assert.equal(certPub, keyPub);
  });

  test('a self-signed certificate registers without a CA', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'self.key',
      '-subj',
      '/CN=self-signed',
      '-days',
      '30',
      '-out',
      'self.crt',
    );
    const out = await cli(
      'register-certificate-without-ca',
      '--certificate-pem',
      `file://${file('self.crt')}`,
      '--status',
      'ACTIVE',
    );
    const der = openssl('x509', '-in', 'self.crt', '-outform', 'DER');
    const expectedId = (await import('node:crypto')).createHash('sha256').update(der).digest('hex');
    assert.equal(out.certificateId, expectedId, 'certificateId is the SHA-256 of the DER');
  });

  test('a CA registers with its verification certificate, then signs a device certificate that registers', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-subj',
      '/CN=Fleet CA',
      '-days',
      '365',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.crt',
    );
    const { registrationCode } = (await cli('get-registration-code')) as { registrationCode: string };
    assert.match(registrationCode, /^[0-9a-f]{64}$/);
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'verify.key',
      '-subj',
      `/CN=${registrationCode}`,
      '-out',
      'verify.csr',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'verify.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      'verify.crt',
    );

    const wrongCn = await cliError(
      'register-ca-certificate',
      '--ca-certificate',
      `file://${file('ca.crt')}`,
      '--verification-certificate',
      `file://${file('ca.crt')}`,
    );
    assert.match(wrongCn, /RegistrationCodeValidationException|CertificateValidationException/);

    const ca = await cli(
      'register-ca-certificate',
      '--ca-certificate',
      `file://${file('ca.crt')}`,
      '--verification-certificate',
      `file://${file('verify.crt')}`,
      '--set-as-active',
      '--allow-auto-registration',
    );
    const caId = ca.certificateId as string;
    const caDesc = await cli('describe-ca-certificate', '--certificate-id', caId);
    assert.equal((caDesc.certificateDescription as { status: string }).status, 'ACTIVE');
    assert.equal(
      (caDesc.certificateDescription as { autoRegistrationStatus: string }).autoRegistrationStatus,
      'ENABLE',
    );

    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'fleet-dev.key',
      '-subj',
      '/CN=fleet-dev-1',
      '-out',
      'fleet-dev.csr',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'fleet-dev.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      'fleet-dev.crt',
    );
    const dev = await cli(
      'register-certificate',
      '--certificate-pem',
      `file://${file('fleet-dev.crt')}`,
      '--ca-certificate-pem',
      `file://${file('ca.crt')}`,
      '--set-as-active',
    );
    const byCa = await cli('list-certificates-by-ca', '--ca-certificate-id', caId);
    assert.deepEqual(
      (byCa.certificates as { certificateId: string }[]).map((c) => c.certificateId),
      [dev.certificateId],
    );
  });

  test('the CLI pages through list-things by itself and with --max-items', async () => {
    for (let i = 0; i < 12; i++)
      await t.iot.send(new (await import('@aws-sdk/client-iot')).CreateThingCommand({ thingName: `cli-page-${i}` }));
    const all = await cli('list-things', '--page-size', '5');
    const names = (all.things as { thingName: string }[])
      .map((x) => x.thingName)
      .filter((n) => n.startsWith('cli-page-'));
    assert.equal(names.length, 12);
    const firstPage = await cli('list-things', '--max-items', '4');
    assert.equal((firstPage.things as unknown[]).length, 4);
    assert.ok(firstPage.NextToken, 'the CLI hands back a token to continue');
    const rest = await cli('list-things', '--starting-token', firstPage.NextToken as string);
    assert.ok((rest.things as unknown[]).length >= 8);
  });

  test('CLI sees AWS errors by name', async () => {
    const bad = await cliError('create-thing', '--thing-name', 'bad name');
    assert.match(bad, /InvalidRequestException|ParamValidation/);
    const malformed = await cliError('create-policy', '--policy-name', 'broken', '--policy-document', '{"Version":');
    assert.match(malformed, /MalformedPolicyException/);
  });
});
