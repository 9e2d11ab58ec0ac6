import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { iamAction, OPERATION_ROLE, policyFile, policyFor, policyText, ROLES, sentOperations } from './iam-policies';

/**
 * The IAM policies in docs/iam are what the dashboard needs on AWS, per role: regenerated here from the operations
 * the code sends and compared with the written files, so a new operation cannot ship without its permission.
 */
describe('the dashboard IAM policies', () => {
  const sent = sentOperations();

  test('the scan finds the operations the code sends', () => {
    assert.ok(sent.length > 50, `found ${sent.length}`);
    for (const op of ['CreateThing', 'GetThingShadow', 'UpdateThingShadow', 'ListCACertificates']) {
      assert.ok(sent.includes(op), op);
    }
  });

  test('every operation the code sends has a least role', () => {
    assert.deepEqual(
      sent.filter((op) => !OPERATION_ROLE[op]),
      [],
    );
  });

  for (const role of ROLES) {
    test(`docs/iam/dashboard-${role}.json is the policy generated from the code (npx tsx scripts/iam-policies.ts)`, () => {
      assert.equal(fs.readFileSync(policyFile(role), 'utf8'), policyText(role));
    });
  }

  test('the admin policy allows every operation the code sends, and the MQTT client', () => {
    const written = JSON.parse(fs.readFileSync(policyFile('admin'), 'utf8')) as ReturnType<typeof policyFor>;
    const allowed = new Set(written.Statement.flatMap((s) => [s.Action].flat() as string[]));
    const missing = sent.map(iamAction).filter((a) => !allowed.has(a));
    assert.deepEqual(missing, [], 'operations the written policy lacks');
    for (const action of ['iot:Connect', 'iot:Subscribe', 'iot:Receive', 'iot:Publish']) assert.ok(allowed.has(action));
  });

  test('a viewer reads, an operator onboards, an admin manages CAs and policy versions', () => {
    const actions = (role: (typeof ROLES)[number]) =>
      new Set(policyFor(role).Statement.flatMap((s) => [s.Action].flat() as string[]));
    const viewer = actions('viewer');
    const operator = actions('operator');
    assert.ok(viewer.has('iot:DescribeThing') && viewer.has('iot:GetThingShadow'));
    assert.ok(!viewer.has('iot:CreateThing') && !viewer.has('iot:Publish'));
    assert.ok(operator.has('iot:CreateThing') && operator.has('iot:Publish') && operator.has('iot:DescribeThing'));
    assert.ok(!operator.has('iot:RegisterCACertificate') && !operator.has('iot:CreatePolicyVersion'));
    assert.ok(actions('admin').has('iot:RegisterCACertificate'));
  });

  test('an operation the code sends but no policy names fails the comparison', () => {
    assert.throws(() => policyFor('admin', [...sent, 'CreateJob']), /CreateJob/);
  });
});
