import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLE_ARN, serialNumberTemplate } from '../../emulator/test/fleet-fixtures';
import { startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { AppError } from './errors';
import {
  createProvisioningClaim,
  createProvisioningTemplate,
  createProvisioningTemplateVersion,
  deleteProvisioningTemplate,
  deleteProvisioningTemplateVersion,
  describeProvisioningTemplate,
  describeProvisioningTemplateVersion,
  listProvisioningTemplates,
  listProvisioningTemplateVersions,
  updateProvisioningTemplate,
} from './provisioning';

/** lib/aws/provisioning.ts against the local IoT Core: the app's shapes and AWS's refusals in plain words. */
describe('lib/aws provisioning templates and claims', () => {
  let t: TestEmulator;
  const opts = () => ({ client: t.iot });
  const body = serialNumberTemplate({ policyName: 'p' });

  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('create, describe, list, update, versions, claim, delete', async () => {
    const created = await createProvisioningTemplate(
      {
        name: 'app-fleet',
        body,
        provisioningRoleArn: ROLE_ARN,
        description: 'd',
        enabled: true,
        tags: [{ key: 'k', value: 'v' }],
      },
      opts(),
    );
    assert.deepEqual(created, {
      name: 'app-fleet',
      arn: 'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/app-fleet',
      defaultVersionId: 1,
    });
    const described = await describeProvisioningTemplate('app-fleet', opts());
    assert.equal(described.body, body);
    assert.equal(described.type, 'FLEET_PROVISIONING');
    assert.equal(described.enabled, true);
    assert.equal(described.preProvisioningHook, undefined);
    assert.ok(described.createdAt instanceof Date);

    const page = await listProvisioningTemplates({}, opts());
    assert.deepEqual(
      page.items.map((i) => i.name),
      ['app-fleet'],
    );

    const v2 = await createProvisioningTemplateVersion(
      'app-fleet',
      serialNumberTemplate({ policyName: 'q' }),
      true,
      opts(),
    );
    assert.deepEqual([v2.versionId, v2.isDefault], [2, true]);
    const versions = await listProvisioningTemplateVersions('app-fleet', opts());
    assert.deepEqual(
      versions.map((v) => [v.versionId, v.isDefault]),
      [
        [1, false],
        [2, true],
      ],
    );
    assert.equal((await describeProvisioningTemplateVersion('app-fleet', 1, opts())).body, body);
    await updateProvisioningTemplate('app-fleet', { defaultVersionId: 1, enabled: false }, opts());
    await deleteProvisioningTemplateVersion('app-fleet', 2, opts());
    assert.equal((await describeProvisioningTemplate('app-fleet', opts())).enabled, false);

    const claim = await createProvisioningClaim('app-fleet', opts());
    assert.match(claim.certificateId, /^[0-9a-f]{64}$/);
    assert.match(claim.privateKeyPem, /PRIVATE KEY/);
    assert.ok(claim.expiresAt.getTime() > Date.now());

    await deleteProvisioningTemplate('app-fleet', opts());
    await assert.rejects(describeProvisioningTemplate('app-fleet', opts()), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'not_found');
      assert.match(e.message, /Provisioning template "app-fleet"/);
      return true;
    });
  });

  test("AWS's refusals come back as AppErrors that say what to do", async () => {
    await createProvisioningTemplate({ name: 'app-errors', body, provisioningRoleArn: ROLE_ARN }, opts());
    await assert.rejects(
      createProvisioningTemplate({ name: 'app-errors', body, provisioningRoleArn: ROLE_ARN }, opts()),
      (e: unknown) => e instanceof AppError && e.code === 'already_exists' && /Choose another name/.test(e.message),
    );
    await assert.rejects(
      createProvisioningTemplate({ name: 'app-bad', body: '{}', provisioningRoleArn: ROLE_ARN }, opts()),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_request' && /no Resources/.test(e.message),
    );
    await assert.rejects(
      deleteProvisioningTemplateVersion('app-errors', 1, opts()),
      (e: unknown) => e instanceof AppError && e.code === 'conflict' && /default version/.test(e.message),
    );
    for (let i = 2; i <= 5; i++) await createProvisioningTemplateVersion('app-errors', body, false, opts());
    await assert.rejects(
      createProvisioningTemplateVersion('app-errors', body, false, opts()),
      (e: unknown) => e instanceof AppError && e.code === 'limit_exceeded' && /5 versions/.test(e.message),
    );
  });
});
