import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateProvisioningClaimCommand,
  CreateProvisioningTemplateCommand,
  CreateProvisioningTemplateVersionCommand,
  DeleteProvisioningTemplateCommand,
  DeleteProvisioningTemplateVersionCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetRegistrationCodeCommand,
  RegisterCACertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeProvisioningTemplateVersionCommand,
  ListCertificatesCommand,
  ListProvisioningTemplatesCommand,
  ListProvisioningTemplateVersionsCommand,
  UpdateProvisioningTemplateCommand,
} from '@aws-sdk/client-iot';
import { onUnregisteredCertificate } from '../iot/jit';
import { makeCa, makeCertificate } from '../pki/fixtures';
import { HOOK_ARN, ROLE_ARN, serialNumberTemplate } from './fleet-fixtures';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

/** Provisioning templates, their versions and provisioning claims through the real SDK. */

const BODY = serialNumberTemplate({ policyName: 'p' });
const bodyWith = (prefix: string) => serialNumberTemplate({ policyName: 'p', prefix });

describe('provisioning templates (SDK)', () => {
  let t: TestEmulator;
  const create = (templateName: string, extra: Record<string, unknown> = {}) =>
    t.iot.send(
      new CreateProvisioningTemplateCommand({
        templateName,
        templateBody: BODY,
        provisioningRoleArn: ROLE_ARN,
        ...extra,
      }),
    );
  const describeTemplate = (templateName: string) =>
    t.iot.send(new DescribeProvisioningTemplateCommand({ templateName }));

  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('a created template is described as given: version 1 the default, disabled unless enabled', async () => {
    const before = Date.now() / 1000;
    const out = await create('widget', {
      description: 'Widgets by claim',
      preProvisioningHook: { targetArn: HOOK_ARN },
      tags: [{ Key: 'team', Value: 'fleet' }],
    });
    assert.equal(out.templateName, 'widget');
    assert.equal(out.templateArn, 'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/widget');
    assert.equal(out.defaultVersionId, 1);
    const d = await describeTemplate('widget');
    assert.equal(d.templateArn, out.templateArn);
    assert.equal(d.description, 'Widgets by claim');
    assert.equal(d.templateBody, BODY);
    assert.equal(d.enabled, false);
    assert.equal(d.type, 'FLEET_PROVISIONING');
    assert.equal(d.provisioningRoleArn, ROLE_ARN);
    assert.deepEqual(d.preProvisioningHook, { targetArn: HOOK_ARN, payloadVersion: '2020-04-01' });
    assert.equal(d.defaultVersionId, 1);
    assert.ok(d.creationDate instanceof Date && d.creationDate.getTime() / 1000 >= before - 1);
    assert.ok(d.lastModifiedDate instanceof Date);
  });

  test('a JITP template is made with its type, and cannot have a pre-provisioning hook', async () => {
    const { DeviceConfiguration: _, ...jitp } = JSON.parse(BODY);
    await create('jitp-template', { type: 'JITP', enabled: true, templateBody: JSON.stringify(jitp) });
    assert.equal((await describeTemplate('jitp-template')).type, 'JITP');
    const e = await expectAwsError(
      () =>
        create('jitp-hooked', {
          type: 'JITP',
          templateBody: JSON.stringify(jitp),
          preProvisioningHook: { targetArn: HOOK_ARN },
        }),
      'InvalidRequestException',
      400,
    );
    assert.match(e.message, /only be added to a FLEET_PROVISIONING template/);
  });

  test('a name already taken is ResourceAlreadyExistsException with the existing ARN', async () => {
    await create('taken');
    const e = await expectAwsError(() => create('taken'), 'ResourceAlreadyExistsException', 409);
    assert.equal(
      (e as { resourceArn?: string }).resourceArn,
      'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/taken',
    );
  });

  test("AWS's name, body, role and hook rules are InvalidRequestException with the reason", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['bad name!', {}, /templateName.*\^\[0-9A-Za-z_-\]\+\$/],
      ['x'.repeat(37), {}, /less than or equal to 36/],
      ['not-json', { templateBody: '{nope' }, /not valid JSON/],
      ['no-resources', { templateBody: '{"Parameters":{}}' }, /no Resources/],
      ['too-big', { templateBody: `${BODY}${' '.repeat(10241 - BODY.length)}` }, /less than or equal to 10240/],
      [
        'csr-cert',
        {
          templateBody: JSON.stringify({
            Parameters: { CSR: { Type: 'String' } },
            Resources: {
              c: { Type: 'AWS::IoT::Certificate', Properties: { CertificateSigningRequest: { Ref: 'CSR' } } },
            },
          }),
        },
        /by CertificateId/,
      ],
      ['bad-role', { provisioningRoleArn: 'arn:aws:iot:us-east-1:1:thing/x' }, /not an IAM role ARN/],
      ['bad-hook', { preProvisioningHook: { targetArn: 'arn:aws:sns:us-east-1:123456789012:t' } }, /Lambda/],
      [
        'bad-payload',
        { preProvisioningHook: { targetArn: HOOK_ARN, payloadVersion: '2019-01-01' } },
        /payloadVersion 2019-01-01 is not supported/,
      ],
      ['bad-type', { type: 'BULK' }, /enum value set: \[FLEET_PROVISIONING, JITP\]/],
    ];
    for (const [name, extra, message] of cases) {
      const e = await expectAwsError(() => create(name, extra), 'InvalidRequestException', 400);
      assert.match(e.message, message, name);
    }
  });

  test('a template that does not exist is ResourceNotFoundException', async () => {
    await expectAwsError(() => describeTemplate('nowhere'), 'ResourceNotFoundException', 404);
    await expectAwsError(
      () => t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'nowhere', enabled: true })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new DeleteProvisioningTemplateCommand({ templateName: 'nowhere' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new ListProvisioningTemplateVersionsCommand({ templateName: 'nowhere' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('ListProvisioningTemplates pages in name order with nextToken', async () => {
    for (const n of ['page-c', 'page-a', 'page-b']) await create(n);
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await t.iot.send(new ListProvisioningTemplatesCommand({ maxResults: 2, nextToken }));
      assert.ok((page.templates ?? []).length <= 2);
      for (const tpl of page.templates ?? []) {
        names.push(tpl.templateName!);
        assert.ok(tpl.templateArn && tpl.creationDate && tpl.lastModifiedDate && tpl.type);
        assert.equal(typeof tpl.enabled, 'boolean');
      }
      nextToken = page.nextToken;
    } while (nextToken);
    const paged = names.filter((n) => n.startsWith('page-'));
    assert.deepEqual(paged, ['page-a', 'page-b', 'page-c']);
    assert.deepEqual(names, [...names].sort());
  });

  test('UpdateProvisioningTemplate changes what it is given: enabled, description, role, hook and its removal', async () => {
    await create('updated');
    await t.iot.send(
      new UpdateProvisioningTemplateCommand({
        templateName: 'updated',
        enabled: true,
        description: 'now on',
        provisioningRoleArn: 'arn:aws:iam::123456789012:role/Other',
        preProvisioningHook: { targetArn: HOOK_ARN, payloadVersion: '2020-04-01' },
      }),
    );
    let d = await describeTemplate('updated');
    assert.equal(d.enabled, true);
    assert.equal(d.description, 'now on');
    assert.equal(d.provisioningRoleArn, 'arn:aws:iam::123456789012:role/Other');
    assert.equal(d.preProvisioningHook?.targetArn, HOOK_ARN);
    assert.ok(d.lastModifiedDate!.getTime() >= d.creationDate!.getTime());

    await t.iot.send(
      new UpdateProvisioningTemplateCommand({ templateName: 'updated', removePreProvisioningHook: true }),
    );
    d = await describeTemplate('updated');
    assert.equal(d.preProvisioningHook, undefined);
    assert.equal(d.enabled, true, 'what was not given stays');

    const both = await expectAwsError(
      () =>
        t.iot.send(
          new UpdateProvisioningTemplateCommand({
            templateName: 'updated',
            preProvisioningHook: { targetArn: HOOK_ARN },
            removePreProvisioningHook: true,
          }),
        ),
      'InvalidRequestException',
      400,
    );
    assert.match(both.message, /cannot be given together/);
  });

  test('versions: created, listed, described, made default, deleted; five at most; ids never reused', async () => {
    await create('versioned');
    const v2 = await t.iot.send(
      new CreateProvisioningTemplateVersionCommand({ templateName: 'versioned', templateBody: bodyWith('v2-') }),
    );
    assert.equal(v2.versionId, 2);
    assert.equal(v2.isDefaultVersion, false);
    assert.equal(v2.templateArn, 'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/versioned');
    const v3 = await t.iot.send(
      new CreateProvisioningTemplateVersionCommand({
        templateName: 'versioned',
        templateBody: bodyWith('v3-'),
        setAsDefault: true,
      }),
    );
    assert.equal(v3.versionId, 3);
    assert.equal(v3.isDefaultVersion, true);
    let d = await describeTemplate('versioned');
    assert.equal(d.defaultVersionId, 3);
    assert.equal(d.templateBody, bodyWith('v3-'), 'the template body is the default version');

    const list = await t.iot.send(new ListProvisioningTemplateVersionsCommand({ templateName: 'versioned' }));
    assert.deepEqual(
      list.versions?.map((v) => [v.versionId, v.isDefaultVersion]),
      [
        [1, false],
        [2, false],
        [3, true],
      ],
    );
    const one = await t.iot.send(
      new DescribeProvisioningTemplateVersionCommand({ templateName: 'versioned', versionId: 2 }),
    );
    assert.equal(one.templateBody, bodyWith('v2-'));
    assert.equal(one.isDefaultVersion, false);
    assert.ok(one.creationDate instanceof Date);

    // Back to version 1 as the default.
    await t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'versioned', defaultVersionId: 1 }));
    d = await describeTemplate('versioned');
    assert.equal(d.defaultVersionId, 1);
    assert.equal(d.templateBody, BODY);
    await expectAwsError(
      () => t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'versioned', defaultVersionId: 9 })),
      'ResourceNotFoundException',
      404,
    );

    const e = await expectAwsError(
      () => t.iot.send(new DeleteProvisioningTemplateVersionCommand({ templateName: 'versioned', versionId: 1 })),
      'DeleteConflictException',
      409,
    );
    assert.match(e.message, /default version/);
    await t.iot.send(new DeleteProvisioningTemplateVersionCommand({ templateName: 'versioned', versionId: 3 }));
    await expectAwsError(
      () => t.iot.send(new DescribeProvisioningTemplateVersionCommand({ templateName: 'versioned', versionId: 3 })),
      'ResourceNotFoundException',
      404,
    );

    // Up to five versions; the next is refused, and a deleted id is never handed out again.
    for (const n of [4, 5, 6]) {
      const v = await t.iot.send(
        new CreateProvisioningTemplateVersionCommand({ templateName: 'versioned', templateBody: bodyWith(`v${n}-`) }),
      );
      assert.equal(v.versionId, n);
    }
    await expectAwsError(
      () =>
        t.iot.send(
          new CreateProvisioningTemplateVersionCommand({ templateName: 'versioned', templateBody: bodyWith('v7-') }),
        ),
      'VersionsLimitExceededException',
      409,
    );
    const bad = await expectAwsError(
      () => t.iot.send(new CreateProvisioningTemplateVersionCommand({ templateName: 'versioned', templateBody: '{}' })),
      'InvalidRequestException',
      400,
    );
    assert.match(bad.message, /no Resources/);
  });

  test('DeleteProvisioningTemplate removes the template with its versions', async () => {
    await create('deleted');
    await t.iot.send(new DeleteProvisioningTemplateCommand({ templateName: 'deleted' }));
    await expectAwsError(() => describeTemplate('deleted'), 'ResourceNotFoundException', 404);
    await create('deleted');
    assert.equal((await describeTemplate('deleted')).defaultVersionId, 1, 'a new template starts again');
  });

  test('CreateProvisioningClaim: a key pair and a certificate good for five minutes, in no certificate list', async () => {
    await create('claimable', { enabled: true });
    const before = Date.now();
    const claim = await t.iot.send(new CreateProvisioningClaimCommand({ templateName: 'claimable' }));
    assert.match(claim.certificateId!, /^[0-9a-f]{64}$/);
    assert.match(claim.keyPair!.PrivateKey!, /BEGIN RSA PRIVATE KEY/);
    assert.match(claim.keyPair!.PublicKey!, /BEGIN PUBLIC KEY/);
    const x509 = new X509Certificate(claim.certificatePem!);
    assert.ok(x509.checkPrivateKey((await import('node:crypto')).createPrivateKey(claim.keyPair!.PrivateKey!)));
    const expires = claim.expiration!.getTime();
    assert.ok(expires >= before + 299_000 && expires <= Date.now() + 301_000, `expiration ${claim.expiration}`);
    assert.ok(Math.abs(Date.parse(x509.validTo) - expires) <= 1000, 'the certificate itself ends with the claim');

    // "Temporary provisioning claim certificates do not appear in your account's list of certificates."
    const listed = await t.iot.send(new ListCertificatesCommand({ pageSize: 250 }));
    assert.ok(!listed.certificates?.some((c) => c.certificateId === claim.certificateId));
    await expectAwsError(
      () => t.iot.send(new DescribeCertificateCommand({ certificateId: claim.certificateId })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('a claim needs an existing FLEET_PROVISIONING template', async () => {
    await expectAwsError(
      () => t.iot.send(new CreateProvisioningClaimCommand({ templateName: 'no-such-template' })),
      'ResourceNotFoundException',
      404,
    );
    const e = await expectAwsError(
      () => t.iot.send(new CreateProvisioningClaimCommand({ templateName: 'jitp-template' })),
      'InvalidRequestException',
      400,
    );
    assert.match(e.message, /FLEET_PROVISIONING/);
  });

  test('a CA whose registrationConfig names a JITP template provisions with it, and the template cannot be deleted', async () => {
    const jitpBody = JSON.stringify({
      Parameters: {
        'AWS::IoT::Certificate::CommonName': { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
      },
      Resources: {
        thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' } } },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
        },
      },
    });
    await create('named-jitp', { type: 'JITP', enabled: true, templateBody: jitpBody });
    const code = (await t.iot.send(new GetRegistrationCodeCommand({}))).registrationCode!;
    const ca = await makeCa('CN=Named JITP CA, O=Acme');
    const verification = await makeCertificate(ca, { name: `CN=${code}` });
    const { certificateId: caId } = await t.iot.send(
      new RegisterCACertificateCommand({
        caCertificate: ca.pem,
        verificationCertificate: verification.pem,
        setAsActive: true,
        allowAutoRegistration: true,
        registrationConfig: { templateName: 'named-jitp', roleArn: ROLE_ARN },
      }),
    );
    const leaf = await makeCertificate(ca, { name: 'CN=named-jitp-device' });
    const outcome = await onUnregisteredCertificate(
      t.emulator.context,
      leaf.pem,
      t.emulator.context.store.c.caCertificates.get(caId!)!,
    );
    assert.equal(outcome.kind, 'provisioned');
    assert.equal(
      (await t.iot.send(new DescribeThingCommand({ thingName: 'named-jitp-device' }))).thingName,
      'named-jitp-device',
    );

    const e = await expectAwsError(
      () => t.iot.send(new DeleteProvisioningTemplateCommand({ templateName: 'named-jitp' })),
      'DeleteConflictException',
      409,
    );
    assert.match(e.message, new RegExp(caId!));

    // Disabled, the template provisions nobody.
    await t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'named-jitp', enabled: false }));
    const other = await makeCertificate(ca, { name: 'CN=named-jitp-device-2' });
    const refused = await onUnregisteredCertificate(
      t.emulator.context,
      other.pem,
      t.emulator.context.store.c.caCertificates.get(caId!)!,
    );
    assert.equal(refused.kind, 'refused');
    assert.match((refused as { reason: string }).reason, /disabled/);
  });

  test('at most 256 templates in an account: LimitExceededException', async () => {
    const existing = (await t.iot.send(new ListProvisioningTemplatesCommand({ maxResults: 250 }))).templates!.length;
    for (let i = existing; i < 256; i++) await create(`bulk-${String(i).padStart(3, '0')}`);
    const e = await expectAwsError(() => create('one-too-many'), 'LimitExceededException', 410);
    assert.match(e.message, /256/);
  });
});
