/**
 * Interop: the AWS CLI (botocore) drives provisioning templates, their versions and provisioning claims against
 * the emulator, errors included, exactly as an operator types them.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { awsCliSkip, iotCli } from './aws-cli';
import { HOOK_ARN, ROLE_ARN, serialNumberTemplate } from './fleet-fixtures';
import { startTestEmulator, type TestEmulator } from './harness';

/** AWS CLI v1 prints timestamps as they came (epoch seconds); v2 as ISO 8601 text. */
const epochMs = (v: unknown) => (typeof v === 'number' ? v * 1000 : Date.parse(String(v)));

const BODY = serialNumberTemplate({ policyName: 'fleet-device-policy' });

describe('AWS CLI: provisioning templates and claims', { skip: awsCliSkip }, () => {
  let t: TestEmulator;
  const aws = iotCli(() => t.url);
  const cli = aws.ok;
  const cliError = async (error: string, ...args: string[]) => {
    const stderr = await aws.fails(...args);
    assert.match(stderr, new RegExp(`\\(${error}\\) when calling the`), stderr);
    return stderr;
  };

  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('create, describe, list, update, version, claim and delete a template', async () => {
    const created = await cli(
      'create-provisioning-template',
      '--template-name',
      'cli-fleet',
      '--description',
      'made by the CLI',
      '--template-body',
      BODY,
      '--provisioning-role-arn',
      ROLE_ARN,
      '--enabled',
      '--pre-provisioning-hook',
      `targetArn=${HOOK_ARN},payloadVersion=2020-04-01`,
      '--tags',
      'Key=team,Value=fleet',
      '--type',
      'FLEET_PROVISIONING',
    );
    assert.deepEqual(created, {
      templateArn: 'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/cli-fleet',
      templateName: 'cli-fleet',
      defaultVersionId: 1,
    });

    const described = await cli('describe-provisioning-template', '--template-name', 'cli-fleet');
    assert.equal(described.templateBody, BODY);
    assert.equal(described.enabled, true);
    assert.equal(described.type, 'FLEET_PROVISIONING');
    assert.equal(described.description, 'made by the CLI');
    assert.deepEqual(described.preProvisioningHook, { targetArn: HOOK_ARN, payloadVersion: '2020-04-01' });
    assert.ok(epochMs(described.creationDate) > Date.now() - 60_000, 'botocore read the timestamp');

    const listed = await cli('list-provisioning-templates');
    assert.deepEqual(
      (listed.templates as { templateName: string }[]).map((x) => x.templateName),
      ['cli-fleet'],
    );

    const v2 = await cli(
      'create-provisioning-template-version',
      '--template-name',
      'cli-fleet',
      '--template-body',
      serialNumberTemplate({ policyName: 'fleet-device-policy', prefix: 'v2-' }),
      '--set-as-default',
    );
    assert.equal(v2.versionId, 2);
    assert.equal(v2.isDefaultVersion, true);
    const versions = await cli('list-provisioning-template-versions', '--template-name', 'cli-fleet');
    assert.deepEqual(
      (versions.versions as { versionId: number; isDefaultVersion: boolean }[]).map((v) => [
        v.versionId,
        v.isDefaultVersion,
      ]),
      [
        [1, false],
        [2, true],
      ],
    );
    const v1 = await cli('describe-provisioning-template-version', '--template-name', 'cli-fleet', '--version-id', '1');
    assert.equal(v1.templateBody, BODY);

    await cli(
      'update-provisioning-template',
      '--template-name',
      'cli-fleet',
      '--default-version-id',
      '1',
      '--remove-pre-provisioning-hook',
      '--no-enabled',
    );
    const updated = await cli('describe-provisioning-template', '--template-name', 'cli-fleet');
    assert.equal(updated.defaultVersionId, 1);
    assert.equal(updated.enabled, false);
    assert.equal(updated.preProvisioningHook, undefined);
    await cli('delete-provisioning-template-version', '--template-name', 'cli-fleet', '--version-id', '2');

    const claim = await cli('create-provisioning-claim', '--template-name', 'cli-fleet');
    assert.match(claim.certificateId as string, /^[0-9a-f]{64}$/);
    assert.ok(new X509Certificate(claim.certificatePem as string));
    assert.match((claim.keyPair as { PrivateKey: string }).PrivateKey, /PRIVATE KEY/);
    assert.ok(epochMs(claim.expiration) > Date.now() + 4 * 60 * 1000);

    await cli('delete-provisioning-template', '--template-name', 'cli-fleet');
    await cliError('ResourceNotFoundException', 'describe-provisioning-template', '--template-name', 'cli-fleet');
  });

  test("AWS's errors reach the CLI by name", async () => {
    await cli(
      'create-provisioning-template',
      '--template-name',
      'cli-errors',
      '--template-body',
      BODY,
      '--provisioning-role-arn',
      ROLE_ARN,
    );
    await cliError(
      'ResourceAlreadyExistsException',
      'create-provisioning-template',
      '--template-name',
      'cli-errors',
      '--template-body',
      BODY,
      '--provisioning-role-arn',
      ROLE_ARN,
    );
    const invalid = await cliError(
      'InvalidRequestException',
      'create-provisioning-template',
      '--template-name',
      'cli-bad-body',
      '--template-body',
      '{"Resources": {}}',
      '--provisioning-role-arn',
      ROLE_ARN,
    );
    assert.match(invalid, /no Resources/);
    await cliError(
      'DeleteConflictException',
      'delete-provisioning-template-version',
      '--template-name',
      'cli-errors',
      '--version-id',
      '1',
    );
    for (let i = 2; i <= 5; i++) {
      await cli('create-provisioning-template-version', '--template-name', 'cli-errors', '--template-body', BODY);
    }
    await cliError(
      'VersionsLimitExceededException',
      'create-provisioning-template-version',
      '--template-name',
      'cli-errors',
      '--template-body',
      BODY,
    );
    await cliError(
      'ResourceNotFoundException',
      'describe-provisioning-template-version',
      '--template-name',
      'cli-errors',
      '--version-id',
      '9',
    );
    await cliError('ResourceNotFoundException', 'create-provisioning-claim', '--template-name', 'no-such-template');
    await cliError(
      'ResourceNotFoundException',
      'list-provisioning-template-versions',
      '--template-name',
      'no-such-template',
    );
    await cliError(
      'ResourceNotFoundException',
      'update-provisioning-template',
      '--template-name',
      'no-such-template',
      '--enabled',
    );
    await cliError('ResourceNotFoundException', 'delete-provisioning-template', '--template-name', 'no-such-template');
  });
});
