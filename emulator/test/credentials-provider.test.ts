import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateRoleAliasCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  AddThingToThingGroupCommand,
  DeleteRoleAliasCommand,
  DescribeEndpointCommand,
  DescribeRoleAliasCommand,
  ListRoleAliasesCommand,
  UpdateCertificateCommand,
  UpdateRoleAliasCommand,
} from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

const run = promisify(execFile);

interface Device {
  thingName: string;
  certificateArn: string;
  certificateId: string;
  cert: string;
  key: string;
}

describe('role aliases and the credentials provider', () => {
  let t: TestEmulator;
  let account: string;
  let region: string;
  let tmp: string;
  before(async () => {
    t = await startTestEmulator();
    account = t.emulator.config.accountId;
    region = t.emulator.config.region;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'creds-provider-'));
  });
  after(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await t.close();
  });

  const roleArn = `arn:aws:iam::123456789012:role/device-uploads`;
  const aliasArn = (alias: string) => `arn:aws:iot:${region}:${account}:rolealias/${alias}`;

  const assumePolicy = (name: string, resource: string) =>
    t.iot.send(
      new CreatePolicyCommand({
        policyName: name,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iot:AssumeRoleWithCertificate', Resource: resource }],
        }),
      }),
    );

  /** A thing with an active AWS-issued certificate attached, and (optionally) a policy on the certificate. */
  async function device(thingName: string, policyName?: string): Promise<Device> {
    await t.iot.send(new CreateThingCommand({ thingName }));
    const c = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await t.iot.send(new AttachThingPrincipalCommand({ thingName, principal: c.certificateArn }));
    if (policyName) await t.iot.send(new AttachPolicyCommand({ policyName, target: c.certificateArn }));
    return {
      thingName,
      certificateArn: c.certificateArn!,
      certificateId: c.certificateId!,
      cert: c.certificatePem!,
      key: c.keyPair!.PrivateKey!,
    };
  }

  /** GET /role-aliases/{alias}/credentials with Node's https and the device's certificate. */
  function getCredentials(
    d: Pick<Device, 'cert' | 'key'>,
    alias: string,
    thingName?: string,
  ): Promise<{ status: number; errorType?: string; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: t.emulator.config.credentialsPort,
          path: `/role-aliases/${encodeURIComponent(alias)}/credentials`,
          method: 'GET',
          cert: d.cert,
          key: d.key,
          ca: t.emulator.rootCaPem,
          headers: thingName ? { 'x-amzn-iot-thingname': thingName } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              errorType: res.headers['x-amzn-errortype'] as string | undefined,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  test('CreateRoleAlias, DescribeRoleAlias, UpdateRoleAlias and DeleteRoleAlias, with AWS’s shapes', async () => {
    const created = await t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'crud-alias', roleArn }));
    assert.equal(created.roleAlias, 'crud-alias');
    assert.equal(created.roleAliasArn, aliasArn('crud-alias'));
    let d = (await t.iot.send(new DescribeRoleAliasCommand({ roleAlias: 'crud-alias' }))).roleAliasDescription!;
    assert.equal(d.roleArn, roleArn);
    assert.equal(d.credentialDurationSeconds, 3600, 'AWS’s default');
    assert.equal(d.owner, account);
    assert.ok(d.creationDate instanceof Date && d.lastModifiedDate instanceof Date);

    const updated = await t.iot.send(
      new UpdateRoleAliasCommand({ roleAlias: 'crud-alias', credentialDurationSeconds: 43200 }),
    );
    assert.equal(updated.roleAliasArn, aliasArn('crud-alias'));
    d = (await t.iot.send(new DescribeRoleAliasCommand({ roleAlias: 'crud-alias' }))).roleAliasDescription!;
    assert.equal(d.credentialDurationSeconds, 43200);
    assert.equal(d.roleArn, roleArn, 'unchanged when not given');

    await expectAwsError(
      () => t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'crud-alias', roleArn })),
      'ResourceAlreadyExistsException',
      409,
    );
    await t.iot.send(new DeleteRoleAliasCommand({ roleAlias: 'crud-alias' }));
    await expectAwsError(
      () => t.iot.send(new DescribeRoleAliasCommand({ roleAlias: 'crud-alias' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new DeleteRoleAliasCommand({ roleAlias: 'crud-alias' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('role alias input is validated as AWS does', async () => {
    for (const [input, pattern] of [
      [{ roleAlias: 'bad alias', roleArn }, /\[\\w=,@-\]\+/],
      [{ roleAlias: 'short', roleArn, credentialDurationSeconds: 899 }, /greater than or equal to 900/],
      [{ roleAlias: 'long', roleArn, credentialDurationSeconds: 43201 }, /less than or equal to 43200/],
      [{ roleAlias: 'arn-short', roleArn: 'arn:aws:iam::1:r' }, /length greater than or equal to 20/],
      [{ roleAlias: 'not-a-role', roleArn: 'arn:aws:s3:::my-bucket/some-key' }, /not a valid IAM role ARN/],
    ] as const) {
      const err = await expectAwsError(
        () => t.iot.send(new CreateRoleAliasCommand(input)),
        'InvalidRequestException',
        400,
      );
      assert.match(err.message, pattern);
    }
    await expectAwsError(
      () => t.iot.send(new UpdateRoleAliasCommand({ roleAlias: 'no-such-alias', credentialDurationSeconds: 900 })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('ListRoleAliases pages with pageSize and marker, oldest first when ascending', async () => {
    for (const n of ['list-a', 'list-b', 'list-c']) {
      await t.iot.send(new CreateRoleAliasCommand({ roleAlias: n, roleArn }));
      await new Promise((r) => setTimeout(r, 3));
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await t.iot.send(new ListRoleAliasesCommand({ pageSize: 2, marker, ascendingOrder: true }));
      assert.ok(page.roleAliases!.length <= 2);
      seen.push(...page.roleAliases!);
      marker = page.nextMarker;
    } while (marker);
    assert.deepEqual(
      seen.filter((n) => n.startsWith('list-')),
      ['list-a', 'list-b', 'list-c'],
    );
  });

  test('DescribeEndpoint(iot:CredentialProvider) names the provider', async () => {
    const out = await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' }));
    assert.equal(out.endpointAddress, `localhost:${t.emulator.config.credentialsPort}`);
  });

  test('an allowed certificate gets credentials in AWS’s shape, valid for the alias’s duration', async () => {
    await t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'uploads', roleArn, credentialDurationSeconds: 900 }));
    await assumePolicy('assume-uploads', aliasArn('uploads'));
    const d = await device('cam-1', 'assume-uploads');
    const before = Date.now();
    const res = await getCredentials(d, 'uploads', 'cam-1');
    assert.equal(res.status, 200);
    const creds = res.body.credentials as Record<string, string>;
    assert.deepEqual(Object.keys(creds).sort(), ['accessKeyId', 'expiration', 'secretAccessKey', 'sessionToken']);
    assert.match(creds.accessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(creds.secretAccessKey!.length >= 40);
    assert.ok(creds.sessionToken!.length > 100);
    assert.match(creds.expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = Date.parse(creds.expiration!);
    assert.ok(Math.abs(expires - (before + 900_000)) < 5000, `expires in 15 minutes: ${creds.expiration}`);
    // The thing name header is optional.
    assert.equal((await getCredentials(d, 'uploads')).status, 200);
  });

  test('AWS’s refusals, in AWS’s order and words', async () => {
    await t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'refusals', roleArn }));
    await assumePolicy('assume-refusals', aliasArn('refusals'));
    const allowed = await device('ref-allowed', 'assume-refusals');
    const unpolicied = await device('ref-no-policy');
    await device('ref-other');

    // A thing the certificate is not attached to (or no such thing).
    for (const thingName of ['ref-other', 'no-such-thing']) {
      const res = await getCredentials(allowed, 'refusals', thingName);
      assert.equal(res.status, 403);
      assert.equal(res.errorType, 'AccessDeniedException');
      assert.deepEqual(res.body, { message: 'Invalid thing name passed' });
    }
    // No policy allowing iot:AssumeRoleWithCertificate: 403, checked before the alias is looked up.
    for (const alias of ['refusals', 'no-such-alias']) {
      const res = await getCredentials(unpolicied, alias, 'ref-no-policy');
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { message: 'Access Denied' });
    }
    // Allowed (a wildcard resource), but the alias does not exist: 404.
    await assumePolicy('assume-any', `arn:aws:iot:${region}:${account}:rolealias/*`);
    await t.iot.send(new AttachPolicyCommand({ policyName: 'assume-any', target: unpolicied.certificateArn }));
    const missing = await getCredentials(unpolicied, 'no-such-alias', 'ref-no-policy');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { message: 'Role alias does not exist' });
    assert.equal((await getCredentials(unpolicied, 'refusals', 'ref-no-policy')).status, 200);

    // A certificate that is not ACTIVE, or not registered at all.
    await t.iot.send(new UpdateCertificateCommand({ certificateId: allowed.certificateId, newStatus: 'INACTIVE' }));
    const inactive = await getCredentials(allowed, 'refusals', 'ref-allowed');
    assert.equal(inactive.status, 403);
    assert.equal(inactive.errorType, 'AccessDeniedException');
    await t.iot.send(new UpdateCertificateCommand({ certificateId: allowed.certificateId, newStatus: 'ACTIVE' }));
    assert.equal((await getCredentials(allowed, 'refusals', 'ref-allowed')).status, 200);
  });

  test('a policy on the thing’s group allows it when the thing name is passed', async () => {
    await t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'group-alias', roleArn }));
    await assumePolicy('assume-group', aliasArn('group-alias'));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'uploaders' }));
    await t.iot.send(
      new AttachPolicyCommand({
        policyName: 'assume-group',
        target: `arn:aws:iot:${region}:${account}:thinggroup/uploaders`,
      }),
    );
    const d = await device('grp-cam');
    await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'uploaders', thingName: 'grp-cam' }));
    assert.equal((await getCredentials(d, 'group-alias', 'grp-cam')).status, 200);
    assert.equal((await getCredentials(d, 'group-alias')).status, 403, 'without the thing name, no group policy');
  });

  test('curl, as AWS documents it (--cert --key --cacert -H x-amzn-iot-thingname)', async () => {
    await t.iot.send(new CreateRoleAliasCommand({ roleAlias: 'curl-alias', roleArn }));
    await assumePolicy('assume-curl', aliasArn('curl-alias'));
    const d = await device('curl-cam', 'assume-curl');
    const files = { cert: path.join(tmp, 'cert.pem'), key: path.join(tmp, 'key.pem'), ca: path.join(tmp, 'ca.pem') };
    fs.writeFileSync(files.cert, d.cert);
    fs.writeFileSync(files.key, d.key, { mode: 0o600 });
    fs.writeFileSync(files.ca, t.emulator.rootCaPem);
    const endpoint = (await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' })))
      .endpointAddress!;
    const { stdout } = await run('curl', [
      '--silent',
      '--show-error',
      '--cert',
      files.cert,
      '--key',
      files.key,
      '--cacert',
      files.ca,
      '-H',
      'x-amzn-iot-thingname: curl-cam',
      `https://${endpoint}/role-aliases/curl-alias/credentials`,
    ]);
    const body = JSON.parse(stdout) as { credentials: Record<string, string> };
    assert.match(body.credentials.accessKeyId!, /^ASIA/);
    assert.ok(body.credentials.sessionToken);
  });
});
