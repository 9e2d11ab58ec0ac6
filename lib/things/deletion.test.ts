import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  ListPrincipalThingsCommand,
} from '@aws-sdk/client-iot';

import { pointDashboardAt, startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { deleteThingWithCleanup } from './deletion';
import { deletionSteps, planThingDeletion } from './deletion-plan';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
});

describe('deleting a thing with guided clean-up', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
    pointDashboardAt(t);
    await t.iot.send(new CreatePolicyCommand({ policyName: 'p', policyDocument: POLICY }));
  });
  afterEach(() => t.emulator.context.faults.clear());
  after(() => t.close());

  const gone = async (run: () => Promise<unknown>) =>
    run().then(
      () => false,
      (err: Error) => (err.name === 'ResourceNotFoundException' ? true : Promise.reject(err)),
    );

  async function arrange(thing: string, others: string[] = []) {
    await t.iot.send(new CreateThingCommand({ thingName: thing }));
    for (const o of others) await t.iot.send(new CreateThingCommand({ thingName: o }));
    const own = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await t.iot.send(new AttachPolicyCommand({ policyName: 'p', target: own.certificateArn }));
    await t.iot.send(new AttachThingPrincipalCommand({ thingName: thing, principal: own.certificateArn }));
    let shared;
    if (others.length) {
      shared = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      await t.iot.send(new AttachThingPrincipalCommand({ thingName: thing, principal: shared.certificateArn }));
      for (const o of others)
        await t.iot.send(new AttachThingPrincipalCommand({ thingName: o, principal: shared.certificateArn }));
    }
    return {
      own: { id: own.certificateId!, arn: own.certificateArn! },
      shared: shared && { id: shared.certificateId!, arn: shared.certificateArn! },
    };
  }

  test('plans in AWS order: detach, delete the exclusive certificate, keep the shared one, delete the thing', async () => {
    const { own, shared } = await arrange('plan-1', ['plan-other']);
    const plan = await planThingDeletion('plan-1');
    const kinds = deletionSteps(plan).map((s) => [s.kind, s.certificateId ?? '']);
    const ownFirst = plan.principals[0]!.certificateId === own.id;
    const [a, b] = ownFirst ? [own.id, shared!.id] : [shared!.id, own.id];
    assert.deepEqual(kinds, [
      ['detach', a],
      [ownFirst ? 'delete-certificate' : 'keep-certificate', a],
      ['detach', b],
      [ownFirst ? 'keep-certificate' : 'delete-certificate', b],
      ['delete-thing', ''],
    ]);
    assert.deepEqual(plan.principals.find((p) => p.certificateId === shared!.id)!.otherThings, ['plan-other']);
    assert.deepEqual(plan.principals.find((p) => p.certificateId === own.id)!.policies, ['p']);
  });

  test('removes the thing and its exclusive certificate; a shared one is only detached; policies stay', async () => {
    const { own, shared } = await arrange('del-1', ['del-other']);
    const report = await deleteThingWithCleanup('del-1');
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok(report.steps.every((s) => s.status === 'done'));
    assert.equal(await gone(() => t.iot.send(new DescribeThingCommand({ thingName: 'del-1' }))), true);
    assert.equal(await gone(() => t.iot.send(new DescribeCertificateCommand({ certificateId: own.id }))), true);
    const sharedThings = await t.iot.send(new ListPrincipalThingsCommand({ principal: shared!.arn }));
    assert.deepEqual(sharedThings.things, ['del-other']);
    await t.iot.send(new GetPolicyCommand({ policyName: 'p' }));
  });

  test('a failure at DeleteThing names the step and what is left; running again completes it', async () => {
    const { own } = await arrange('fail-1');
    t.emulator.context.faults.add({ operation: 'DeleteThing', error: 'ServiceUnavailableException', count: 5 });
    const first = await deleteThingWithCleanup('fail-1');
    assert.equal(first.ok, false);
    assert.equal(first.failure?.step, 'Delete thing "fail-1"');
    assert.deepEqual(first.leftOver, ['Thing "fail-1" still exists.']);
    assert.equal(await gone(() => t.iot.send(new DescribeCertificateCommand({ certificateId: own.id }))), true);
    t.emulator.context.faults.clear();
    const again = await deleteThingWithCleanup('fail-1', first.pendingCertificateIds);
    assert.equal(again.ok, true);
    assert.equal(await gone(() => t.iot.send(new DescribeThingCommand({ thingName: 'fail-1' }))), true);
  });

  test('a certificate detached but not deleted is carried to the retry, which deletes it', async () => {
    const { own } = await arrange('fail-2');
    t.emulator.context.faults.add({ operation: 'DeleteCertificate', error: 'ServiceUnavailableException', count: 5 });
    const first = await deleteThingWithCleanup('fail-2');
    assert.equal(first.ok, false);
    assert.match(first.failure!.step, /^Delete certificate/);
    assert.deepEqual(first.pendingCertificateIds, [own.id]);
    assert.ok(first.leftOver.some((l) => l.includes('detached from the thing but not deleted')));
    assert.ok(first.leftOver.includes('Thing "fail-2" still exists.'));
    t.emulator.context.faults.clear();
    // The thing no longer lists the certificate; only the carried id lets the retry finish it.
    const again = await deleteThingWithCleanup('fail-2', first.pendingCertificateIds);
    assert.equal(again.ok, true, JSON.stringify(again));
    assert.equal(await gone(() => t.iot.send(new DescribeCertificateCommand({ certificateId: own.id }))), true);
    assert.equal(await gone(() => t.iot.send(new DescribeThingCommand({ thingName: 'fail-2' }))), true);
  });

  test('a thing that is already gone is reported as done', async () => {
    const report = await deleteThingWithCleanup('never-existed');
    assert.equal(report.ok, true);
    assert.equal(report.steps.at(-1)?.detail, 'It was already gone.');
  });
});
