import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand,
  AttachPrincipalPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachPolicyCommand,
  DetachPrincipalPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyPrincipalsCommand,
  ListPolicyVersionsCommand,
  ListPrincipalPoliciesCommand,
  ListTargetsForPolicyCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iot';
import { arns } from '../config';
import { insertCertificate } from './certificate-fixture';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

const ALLOW_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
});

const docWith = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('policies', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  const create = (policyName: string, policyDocument = ALLOW_ALL) =>
    t.iot.send(new CreatePolicyCommand({ policyName, policyDocument }));

  test('CreatePolicy returns the name, ARN, document and version 1; GetPolicy reads it back', async () => {
    const out = await create('device-policy');
    assert.equal(out.policyName, 'device-policy');
    assert.equal(out.policyArn, 'arn:aws:iot:us-east-1:123456789012:policy/device-policy');
    assert.equal(out.policyDocument, ALLOW_ALL);
    assert.equal(out.policyVersionId, '1');
    const got = await t.iot.send(new GetPolicyCommand({ policyName: 'device-policy' }));
    assert.equal(got.policyDocument, ALLOW_ALL);
    assert.equal(got.defaultVersionId, '1');
    assert.equal(got.policyArn, out.policyArn);
    assert.ok(got.creationDate instanceof Date && Math.abs(got.creationDate.getTime() - Date.now()) < 60_000);
    assert.ok(got.lastModifiedDate instanceof Date);
    assert.match(got.generationId ?? '', /^[0-9a-f]{64}$/);
  });

  test('CreatePolicy accepts tags', async () => {
    const out = await t.iot.send(
      new CreatePolicyCommand({
        policyName: 'tagged',
        policyDocument: ALLOW_ALL,
        tags: [{ Key: 'env', Value: 'dev' }],
      }),
    );
    assert.equal(out.policyVersionId, '1');
  });

  test('an existing name is ResourceAlreadyExistsException carrying the ARN', async () => {
    await create('dup');
    const err = (await expectAwsError(() => create('dup'), 'ResourceAlreadyExistsException', 409)) as unknown as {
      resourceId: string;
      resourceArn: string;
    };
    assert.equal(err.resourceId, 'dup');
    assert.equal(err.resourceArn, 'arn:aws:iot:us-east-1:123456789012:policy/dup');
  });

  test('bad policy names are InvalidRequestException', async () => {
    const err = await expectAwsError(() => create('has space'), 'InvalidRequestException', 400);
    assert.match(err.message, /policyName/);
    await expectAwsError(() => create('x'.repeat(129)), 'InvalidRequestException', 400);
    await expectAwsError(() => create('slash/name'), 'InvalidRequestException', 400);
    await expectAwsError(
      () => t.iot.send(new GetPolicyCommand({ policyName: 'bad!' })),
      'InvalidRequestException',
      400,
    );
  });

  test('malformed documents are MalformedPolicyException saying what is wrong', async () => {
    let err = await expectAwsError(() => create('m1', '{"Version": "2012-10-17", '), 'MalformedPolicyException', 400);
    assert.match(err.message, /Policy document is Malformed: .*not valid JSON/);
    err = await expectAwsError(
      () =>
        create(
          'm2',
          docWith([
            { Effect: 'Allow', Action: 'iot:*', Resource: '*' },
            { Effect: 'Permit', Action: 'iot:*', Resource: '*' },
          ]),
        ),
      'MalformedPolicyException',
      400,
    );
    assert.match(err.message, /Statement\[1\]\.Effect: Effect must be "Allow" or "Deny", not "Permit"/);
    err = await expectAwsError(
      () => create('m3', docWith({ Effect: 'Allow', Resource: '*' })),
      'MalformedPolicyException',
      400,
    );
    assert.match(err.message, /Statement\.Action: The statement has no Action/);
    err = await expectAwsError(
      () => create('m4', docWith({ Effect: 'Allow', Action: 'iot:*', Resource: 'topic/x' })),
      'MalformedPolicyException',
    );
    assert.match(err.message, /Statement\.Resource\[0\]/);
    await expectAwsError(() => create('m5', ''), 'MalformedPolicyException', 400);
    await expectAwsError(() => create('m6', '"just a string"'), 'MalformedPolicyException', 400);
    await expectAwsError(
      () => t.iot.send(new GetPolicyCommand({ policyName: 'm2' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('a document may have 2,048 characters not counting white space, and no more', async () => {
    const sized = (n: number) => {
      const base = docWith({
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: 'arn:aws:iot:us-east-1:123456789012:topic/',
      });
      return docWith({
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `arn:aws:iot:us-east-1:123456789012:topic/${'a'.repeat(n - base.length)}`,
      });
    };
    const max = sized(2048);
    assert.equal(max.length, 2048);
    // Pretty-printed, the same document is far longer than 2,048 characters; white space does not count.
    const pretty = JSON.stringify(JSON.parse(max), null, 4);
    assert.ok(pretty.length > 2048);
    const out = await create('size-max', pretty);
    assert.equal(out.policyDocument, pretty);
    await create('size-under', sized(2047));
    const err = await expectAwsError(() => create('size-over', sized(2049)), 'MalformedPolicyException', 400);
    assert.match(err.message, /2049 characters/);
  });

  test('GetPolicy of an unknown policy is ResourceNotFoundException', async () => {
    await expectAwsError(
      () => t.iot.send(new GetPolicyCommand({ policyName: 'ghost' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('versions: ids grow and are never reused, at most five, the default cannot be deleted', async () => {
    await create('ver');
    const v = (n: number) =>
      docWith({ Effect: 'Allow', Action: 'iot:Publish', Resource: `arn:aws:iot:us-east-1:123456789012:topic/v${n}` });
    const v2 = await t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(2) }));
    assert.equal(v2.policyVersionId, '2');
    assert.equal(v2.isDefaultVersion, false);
    assert.equal(v2.policyArn, 'arn:aws:iot:us-east-1:123456789012:policy/ver');
    const v3 = await t.iot.send(
      new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(3), setAsDefault: true }),
    );
    assert.equal(v3.policyVersionId, '3');
    assert.equal(v3.isDefaultVersion, true);
    let got = await t.iot.send(new GetPolicyCommand({ policyName: 'ver' }));
    assert.equal(got.defaultVersionId, '3');
    assert.equal(got.policyDocument, v(3));

    await t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(4) }));
    await t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(5) }));
    const err = await expectAwsError(
      () => t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(6) })),
      'VersionsLimitExceededException',
      409,
    );
    assert.match(err.message, /5/);

    const list = await t.iot.send(new ListPolicyVersionsCommand({ policyName: 'ver' }));
    assert.deepEqual(
      list.policyVersions?.map((p) => [p.versionId, p.isDefaultVersion]),
      [
        ['5', false],
        ['4', false],
        ['3', true],
        ['2', false],
        ['1', false],
      ],
    );
    assert.ok(list.policyVersions?.every((p) => p.createDate instanceof Date));

    const pv = await t.iot.send(new GetPolicyVersionCommand({ policyName: 'ver', policyVersionId: '2' }));
    assert.equal(pv.policyDocument, v(2));
    assert.equal(pv.policyName, 'ver');
    assert.equal(pv.isDefaultVersion, false);
    assert.ok(pv.creationDate instanceof Date);

    await expectAwsError(
      () => t.iot.send(new DeletePolicyVersionCommand({ policyName: 'ver', policyVersionId: '3' })),
      'DeleteConflictException',
      409,
    );
    await t.iot.send(new DeletePolicyVersionCommand({ policyName: 'ver', policyVersionId: '5' }));
    const v6 = await t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: v(6) }));
    assert.equal(v6.policyVersionId, '6', 'a deleted version id is not handed out again');

    const genBefore = got.generationId;
    await t.iot.send(new SetDefaultPolicyVersionCommand({ policyName: 'ver', policyVersionId: '6' }));
    got = await t.iot.send(new GetPolicyCommand({ policyName: 'ver' }));
    assert.equal(got.defaultVersionId, '6');
    assert.equal(got.policyDocument, v(6));
    assert.notEqual(got.generationId, genBefore);

    await expectAwsError(
      () => t.iot.send(new GetPolicyVersionCommand({ policyName: 'ver', policyVersionId: '5' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new SetDefaultPolicyVersionCommand({ policyName: 'ver', policyVersionId: '42' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new GetPolicyVersionCommand({ policyName: 'ver', policyVersionId: 'one' })),
      'InvalidRequestException',
      400,
    );
    await expectAwsError(
      () => t.iot.send(new CreatePolicyVersionCommand({ policyName: 'ver', policyDocument: '{}' })),
      'MalformedPolicyException',
      400,
    );
    await expectAwsError(
      () => t.iot.send(new CreatePolicyVersionCommand({ policyName: 'nope', policyDocument: ALLOW_ALL })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('DeletePolicy refuses while non-default versions exist, then deletes', async () => {
    await create('del-versions');
    await t.iot.send(
      new CreatePolicyVersionCommand({ policyName: 'del-versions', policyDocument: ALLOW_ALL, setAsDefault: true }),
    );
    const err = await expectAwsError(
      () => t.iot.send(new DeletePolicyCommand({ policyName: 'del-versions' })),
      'DeleteConflictException',
      409,
    );
    assert.match(err.message, /versions other than the default version exist \(name=del-versions, versions 1\)/);
    await t.iot.send(new DeletePolicyVersionCommand({ policyName: 'del-versions', policyVersionId: '1' }));
    await t.iot.send(new DeletePolicyCommand({ policyName: 'del-versions' }));
    await expectAwsError(
      () => t.iot.send(new GetPolicyCommand({ policyName: 'del-versions' })),
      'ResourceNotFoundException',
    );
    await expectAwsError(
      () => t.iot.send(new DeletePolicyCommand({ policyName: 'del-versions' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('attach, list both ways, refuse to delete while attached, detach, delete', async () => {
    await create('att');
    await create('att-2');
    const cert = insertCertificate(t);
    await t.iot.send(new AttachPolicyCommand({ policyName: 'att', target: cert }));
    await t.iot.send(new AttachPolicyCommand({ policyName: 'att', target: cert })); // again: no-op
    await t.iot.send(new AttachPolicyCommand({ policyName: 'att-2', target: cert }));

    const attached = await t.iot.send(new ListAttachedPoliciesCommand({ target: cert }));
    assert.deepEqual(attached.policies, [
      { policyName: 'att', policyArn: 'arn:aws:iot:us-east-1:123456789012:policy/att' },
      { policyName: 'att-2', policyArn: 'arn:aws:iot:us-east-1:123456789012:policy/att-2' },
    ]);
    assert.equal(attached.nextMarker, undefined);
    const targets = await t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'att' }));
    assert.deepEqual(targets.targets, [cert]);

    const err = await expectAwsError(
      () => t.iot.send(new DeletePolicyCommand({ policyName: 'att' })),
      'DeleteConflictException',
      409,
    );
    assert.match(err.message, /attached to one or more principals \(name=att\): arn:aws:iot:/);

    await t.iot.send(new DetachPolicyCommand({ policyName: 'att', target: cert }));
    await t.iot.send(new DetachPolicyCommand({ policyName: 'att', target: cert })); // again: still fine
    assert.deepEqual((await t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'att' }))).targets, []);
    assert.deepEqual(
      (await t.iot.send(new ListAttachedPoliciesCommand({ target: cert }))).policies?.map((p) => p.policyName),
      ['att-2'],
    );
    await t.iot.send(new DeletePolicyCommand({ policyName: 'att' }));
  });

  test('AttachPolicy needs an existing policy and an existing, well-formed target', async () => {
    await create('att-err');
    const cert = insertCertificate(t);
    await expectAwsError(
      () => t.iot.send(new AttachPolicyCommand({ policyName: 'nope', target: cert })),
      'ResourceNotFoundException',
      404,
    );
    const missing = arns(t.emulator.config).cert('f'.repeat(64));
    const err = await expectAwsError(
      () => t.iot.send(new AttachPolicyCommand({ policyName: 'att-err', target: missing })),
      'ResourceNotFoundException',
      404,
    );
    assert.match(err.message, /Certificate f+ cannot be found/);
    await expectAwsError(
      () => t.iot.send(new AttachPolicyCommand({ policyName: 'att-err', target: 'not-a-principal' })),
      'InvalidRequestException',
      400,
    );
    await expectAwsError(
      () =>
        t.iot.send(
          new AttachPolicyCommand({ policyName: 'att-err', target: arns(t.emulator.config).thingGroup('no-group') }),
        ),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'nope' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new ListAttachedPoliciesCommand({ target: missing })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('a certificate holds at most ten policies (LimitExceededException)', async () => {
    const cert = insertCertificate(t);
    for (let i = 0; i < 11; i++) await create(`lim-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < 10; i++) {
      await t.iot.send(new AttachPolicyCommand({ policyName: `lim-${String(i).padStart(2, '0')}`, target: cert }));
    }
    // Re-attaching one that is there is still fine at the limit.
    await t.iot.send(new AttachPolicyCommand({ policyName: 'lim-00', target: cert }));
    await expectAwsError(
      () => t.iot.send(new AttachPolicyCommand({ policyName: 'lim-10', target: cert })),
      'LimitExceededException',
      410,
    );
  });

  test('policies on thing groups, and recursive listing through the ancestors', async () => {
    await create('root-policy');
    await create('leaf-policy');
    const root = await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'pol-root' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'pol-mid', parentGroupName: 'pol-root' }));
    const leaf = await t.iot.send(
      new CreateThingGroupCommand({ thingGroupName: 'pol-leaf', parentGroupName: 'pol-mid' }),
    );
    await t.iot.send(new AttachPolicyCommand({ policyName: 'root-policy', target: root.thingGroupArn }));
    await t.iot.send(new AttachPolicyCommand({ policyName: 'leaf-policy', target: leaf.thingGroupArn }));
    const direct = await t.iot.send(new ListAttachedPoliciesCommand({ target: leaf.thingGroupArn }));
    assert.deepEqual(
      direct.policies?.map((p) => p.policyName),
      ['leaf-policy'],
    );
    const recursive = await t.iot.send(
      new ListAttachedPoliciesCommand({ target: leaf.thingGroupArn, recursive: true }),
    );
    assert.deepEqual(
      recursive.policies?.map((p) => p.policyName),
      ['leaf-policy', 'root-policy'],
    );
    const targets = await t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'root-policy' }));
    assert.deepEqual(targets.targets, [root.thingGroupArn]);
  });

  test('ListPolicies pages with pageSize and marker, in creation order either way', async () => {
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      const name = `lp-${String.fromCharCode(122 - i)}`; // created z..o: creation order is not name order
      names.push(name);
      await create(name);
      await new Promise((r) => setTimeout(r, 2)); // distinct creation times (milliseconds)
    }
    const collect = async (ascending: boolean) => {
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const out = await t.iot.send(new ListPoliciesCommand({ pageSize: 5, marker, ascendingOrder: ascending }));
        assert.ok((out.policies?.length ?? 0) <= 5);
        seen.push(...(out.policies ?? []).map((p) => p.policyName!));
        marker = out.nextMarker;
        pages++;
      } while (marker);
      assert.ok(pages >= 3);
      assert.equal(new Set(seen).size, seen.length, 'no policy twice');
      return seen.filter((n) => n.startsWith('lp-'));
    };
    assert.deepEqual(await collect(true), names);
    assert.deepEqual(await collect(false), [...names].reverse());
    await expectAwsError(() => t.iot.send(new ListPoliciesCommand({ pageSize: 251 })), 'InvalidRequestException', 400);
    await expectAwsError(() => t.iot.send(new ListPoliciesCommand({ marker: 'bad!' })), 'InvalidRequestException', 400);
  });

  test('ListTargetsForPolicy and ListAttachedPolicies page with pageSize and marker', async () => {
    await create('many-targets');
    const certs = Array.from({ length: 7 }, () => insertCertificate(t));
    for (const c of certs) await t.iot.send(new AttachPolicyCommand({ policyName: 'many-targets', target: c }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const out = await t.iot.send(
        new ListTargetsForPolicyCommand({ policyName: 'many-targets', pageSize: 3, marker }),
      );
      assert.ok((out.targets?.length ?? 0) <= 3);
      seen.push(...(out.targets ?? []));
      marker = out.nextMarker;
    } while (marker);
    assert.deepEqual(seen, [...certs].sort());

    const cert = certs[0]!;
    for (let i = 0; i < 4; i++) {
      await create(`pp-${i}`);
      await t.iot.send(new AttachPolicyCommand({ policyName: `pp-${i}`, target: cert }));
    }
    const first = await t.iot.send(new ListAttachedPoliciesCommand({ target: cert, pageSize: 3 }));
    assert.deepEqual(
      first.policies?.map((p) => p.policyName),
      ['many-targets', 'pp-0', 'pp-1'],
    );
    const second = await t.iot.send(
      new ListAttachedPoliciesCommand({ target: cert, pageSize: 3, marker: first.nextMarker }),
    );
    assert.deepEqual(
      second.policies?.map((p) => p.policyName),
      ['pp-2', 'pp-3'],
    );
    assert.equal(second.nextMarker, undefined);
  });

  test('the deprecated principal-policy operations work on the same attachments', async () => {
    await create('old-style');
    const cert = insertCertificate(t);
    await t.iot.send(new AttachPrincipalPolicyCommand({ policyName: 'old-style', principal: cert }));
    const byPrincipal = await t.iot.send(new ListPrincipalPoliciesCommand({ principal: cert }));
    assert.deepEqual(
      byPrincipal.policies?.map((p) => p.policyName),
      ['old-style'],
    );
    const byPolicy = await t.iot.send(new ListPolicyPrincipalsCommand({ policyName: 'old-style' }));
    assert.deepEqual(byPolicy.principals, [cert]);
    assert.deepEqual((await t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'old-style' }))).targets, [cert]);
    await t.iot.send(new DetachPrincipalPolicyCommand({ policyName: 'old-style', principal: cert }));
    await expectAwsError(
      () => t.iot.send(new DetachPrincipalPolicyCommand({ policyName: 'old-style', principal: cert })),
      'ResourceNotFoundException',
      404,
    );
    assert.deepEqual((await t.iot.send(new ListPolicyPrincipalsCommand({ policyName: 'old-style' }))).principals, []);
  });
});
