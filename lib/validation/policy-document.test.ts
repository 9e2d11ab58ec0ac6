import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describePolicyProblems, parsePolicyDocument, policyDocument } from './policy-document';

const doc = (statement: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });

const errorsOf = (text: string) => {
  const r = parsePolicyDocument(text);
  assert.equal(r.ok, false, 'expected the document to be refused');
  return r.ok ? [] : r.errors;
};

describe('policy documents', () => {
  test('a typical device policy is accepted and normalised to arrays', () => {
    const r = parsePolicyDocument(
      doc([
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: 'arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}',
        },
        {
          Sid: 'pubsub',
          Effect: 'Deny',
          Action: ['iot:Publish', 'iot:Receive'],
          Resource: ['arn:aws:iot:us-east-1:123456789012:topic/forbidden/*'],
          Condition: { Bool: { 'iot:Connection.Thing.IsAttached': true } },
        },
      ]),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.policy.statements[0], {
      effect: 'Allow',
      actions: ['iot:Connect'],
      resources: ['arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}'],
    });
    assert.deepEqual(r.policy.statements[1]?.conditions, { Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } });
    assert.equal(r.policy.statements[1]?.sid, 'pubsub');
    assert.equal(r.policy.version, '2012-10-17');
    assert.deepEqual(r.warnings, []);
  });

  test('a single statement object, wildcards, NotAction and NotResource are accepted', () => {
    const r = parsePolicyDocument(doc({ Effect: 'Allow', NotAction: 'iot:Connect', NotResource: '*' }));
    assert.ok(r.ok);
    assert.deepEqual(r.policy.statements, [{ effect: 'Allow', notActions: ['iot:Connect'], notResources: ['*'] }]);
    assert.ok(parsePolicyDocument(doc({ Effect: 'Allow', Action: '*', Resource: '*' })).ok);
    assert.ok(parsePolicyDocument(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' })).ok);
    assert.ok(parsePolicyDocument(doc({ Effect: 'Allow', Action: 'greengrass:*', Resource: '*' })).ok);
    assert.ok(
      parsePolicyDocument(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }, { Version: '2008-10-17' })).ok,
    );
  });

  test('text that is not JSON, or JSON that is not an object, is refused', () => {
    assert.match(errorsOf('{"Version": "2012-10-17",')[0]!.message, /not valid JSON/);
    assert.match(errorsOf('[1,2]')[0]!.message, /must be a JSON object, not an array/);
    assert.match(errorsOf('   ')[0]!.message, /empty/);
  });

  test('Effect must be Allow or Deny, and is required', () => {
    const [wrong] = errorsOf(doc([{ Effect: 'Permit', Action: 'iot:*', Resource: '*' }]));
    assert.equal(wrong!.path, 'Statement[0].Effect');
    assert.match(wrong!.message, /"Allow" or "Deny", not "Permit"/);
    assert.equal(errorsOf(doc([{ Action: 'iot:*', Resource: '*' }]))[0]!.path, 'Statement[0].Effect');
    assert.equal(errorsOf(doc([{ Effect: 'allow', Action: 'iot:*', Resource: '*' }]))[0]!.path, 'Statement[0].Effect');
  });

  test('a missing Action or Resource names the statement', () => {
    const [noAction] = errorsOf(
      doc([
        { Effect: 'Allow', Action: 'iot:*', Resource: '*' },
        { Effect: 'Allow', Resource: '*' },
      ]),
    );
    assert.equal(noAction!.path, 'Statement[1].Action');
    assert.match(noAction!.message, /no Action/);
    assert.equal(errorsOf(doc({ Effect: 'Allow', Action: 'iot:*' }))[0]!.path, 'Statement.Resource');
    assert.match(
      errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', NotAction: 'iot:Connect', Resource: '*' }))[0]!.message,
      /not both/,
    );
  });

  test('actions, resources and conditions must have the right shape', () => {
    assert.equal(
      errorsOf(doc({ Effect: 'Allow', Action: ['iot:Publish', 'publish'], Resource: '*' }))[0]!.path,
      'Statement.Action[1]',
    );
    assert.equal(errorsOf(doc({ Effect: 'Allow', Action: [], Resource: '*' }))[0]!.path, 'Statement.Action');
    assert.equal(errorsOf(doc({ Effect: 'Allow', Action: 7, Resource: '*' }))[0]!.path, 'Statement.Action');
    assert.equal(
      errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', Resource: 'topic/a' }))[0]!.path,
      'Statement.Resource[0]',
    );
    assert.equal(
      errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', Resource: ['*', 3] }))[0]!.path,
      'Statement.Resource[1]',
    );
    assert.equal(
      errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*', Condition: { StringSortOf: { a: 'b' } } }))[0]!
        .path,
      'Statement.Condition.StringSortOf',
    );
    assert.ok(
      parsePolicyDocument(
        doc({
          Effect: 'Allow',
          Action: 'iot:*',
          Resource: '*',
          Condition: { 'ForAnyValue:StringLikeIfExists': { a: ['b*'] } },
        }),
      ).ok,
    );
  });

  test('Principal, unknown elements, a bad Version and a missing or empty Statement are refused', () => {
    assert.match(
      errorsOf(doc({ Effect: 'Allow', Principal: '*', Action: 'iot:*', Resource: '*' }))[0]!.message,
      /Principal/,
    );
    assert.equal(errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }, { Extra: 1 }))[0]!.path, 'Extra');
    assert.equal(
      errorsOf(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }, { Version: '2020-01-01' }))[0]!.path,
      'Version',
    );
    assert.equal(errorsOf(JSON.stringify({ Version: '2012-10-17' }))[0]!.path, 'Statement');
    assert.equal(errorsOf(doc([]))[0]!.path, 'Statement');
    assert.equal(errorsOf(doc(['x']))[0]!.path, 'Statement[0]');
  });

  test('the size limit is 2,048 characters not counting white space', () => {
    const build = (n: number) => {
      const base = doc({
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: 'arn:aws:iot:us-east-1:123456789012:topic/',
      });
      const pad = n - base.length;
      return doc({
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `arn:aws:iot:us-east-1:123456789012:topic/${'a'.repeat(pad)}`,
      });
    };
    const at = build(2048);
    assert.equal(at.length, 2048);
    assert.ok(parsePolicyDocument(at).ok);
    // White space does not count, however much of it there is.
    assert.ok(parsePolicyDocument(JSON.stringify(JSON.parse(at), null, 8)).ok);
    const over = errorsOf(build(2049));
    assert.match(over[0]!.message, /2049 characters.*at most 2048/);
  });

  test('warnings flag what AWS accepts but does nothing', () => {
    const r = parsePolicyDocument(doc({ Effect: 'Allow', Action: ['iot:Publsh', 's3:GetObject'], Resource: '*' }));
    assert.ok(r.ok);
    assert.deepEqual(
      r.warnings.map((w) => w.path),
      ['Statement.Action[0]', 'Statement.Action[1]'],
    );
    const noVersion = parsePolicyDocument(
      JSON.stringify({
        Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:ClientId}' },
      }),
    );
    assert.ok(noVersion.ok);
    assert.equal(noVersion.warnings[0]?.path, 'Version');
  });

  test('every problem is reported, and summarised on one line', () => {
    const errors = errorsOf(
      doc([
        { Effect: 'Maybe', Resource: '*' },
        { Effect: 'Allow', Action: 'iot:*', Resource: 'x' },
      ]),
    );
    assert.deepEqual(
      errors.map((e) => e.path),
      ['Statement[0].Effect', 'Statement[0].Action', 'Statement[1].Resource[0]'],
    );
    assert.match(describePolicyProblems(errors), /^Statement\[0\]\.Effect: .* \(and 2 more problems\)$/);
  });

  test('the zod schema refuses with the same reasons', () => {
    const r = policyDocument.safeParse(doc({ Effect: 'Allow', Resource: '*' }));
    assert.equal(r.success, false);
    assert.match(r.error!.issues[0]!.message, /^Statement\.Action: /);
    assert.ok(policyDocument.safeParse(doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' })).success);
  });
});
