import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { adviceFor, planSteps, runOnboarding, type RunView } from './run';
import type { Created, OnboardingPlan, OnboardingSteps, RollbackReport, StepOutcome } from './types';

const CERT_ID = 'a'.repeat(64);
const CERT_ARN = `arn:aws:iot:us-east-1:123456789012:cert/${CERT_ID}`;
const THING_ARN = 'arn:aws:iot:us-east-1:123456789012:thing/dev-1';

const basePlan: OnboardingPlan = {
  thingName: 'dev-1',
  attributes: { site: 'lab' },
  credentials: { mode: 'browser-key', algorithm: 'EC' },
  policy: { mode: 'template', templateId: 'thing-scoped', policyName: 'dev-1-policy' },
};

const fakeKeys = async (cn: string) => ({
  algorithm: 'EC' as const,
  privateKeyPem: `KEY(${cn})`,
  publicKeyPem: 'PUB',
  csrPem: `CSR(${cn})`,
});

type StepName = Exclude<keyof OnboardingSteps, 'rollback'>;

/** Fake steps that record calls, each succeeding unless told to fail (optionally after making something). */
function fakeSteps(
  opts: { failAt?: StepName; failCreated?: Created[]; throwAt?: StepName; rollbackLeft?: Created['kind'][] } = {},
) {
  const calls: { step: string; input: unknown }[] = [];
  const rollbacks: Created[][] = [];
  const answer = <D>(step: StepName, input: unknown, created: Created[], data: D): Promise<StepOutcome<D>> => {
    calls.push({ step, input });
    if (opts.throwAt === step) return Promise.reject(new Error('fetch failed: secret detail'));
    if (opts.failAt === step) {
      return Promise.resolve({
        ok: false,
        created: opts.failCreated ?? [],
        error: { code: 'invalid_request', message: `${step} refused` },
      });
    }
    return Promise.resolve({ ok: true, created, data });
  };
  const steps: OnboardingSteps = {
    createThing: (input) =>
      answer('createThing', input, [{ kind: 'thing', thingName: input.thingName }], { thingArn: THING_ARN }),
    createCertificate: (input) =>
      answer('createCertificate', input, [{ kind: 'certificate', certificateId: CERT_ID, certificateArn: CERT_ARN }], {
        certificateId: CERT_ID,
        certificateArn: CERT_ARN,
        certificatePem: 'CERT',
        ...(input.kind === 'aws-keys' ? { privateKeyPem: 'AWSKEY', publicKeyPem: 'AWSPUB' } : {}),
      }),
    createPolicy: (input) => answer('createPolicy', input, [{ kind: 'policy', policyName: input.policyName }], {}),
    attachPolicy: (input) =>
      answer(
        'attachPolicy',
        input,
        [{ kind: 'policy-attachment', policyName: input.policyName, certificateArn: input.certificateArn }],
        null,
      ),
    attachThingPrincipal: (input) =>
      answer(
        'attachThingPrincipal',
        input,
        [{ kind: 'thing-principal', thingName: input.thingName, certificateArn: input.certificateArn }],
        null,
      ),
    rollback: async (created): Promise<RollbackReport> => {
      rollbacks.push(created);
      const left = new Set(opts.rollbackLeft ?? []);
      const reversed = [...created].reverse();
      return {
        undone: reversed.filter((c) => !left.has(c.kind)),
        left: reversed.filter((c) => left.has(c.kind)).map((item) => ({ item, message: 'still attached' })),
      };
    },
  };
  return { steps, calls, rollbacks };
}

describe('onboarding run', () => {
  test('runs thing, certificate, policy, AttachPolicy, AttachThingPrincipal in AWS order and returns the credentials', async () => {
    const { steps, calls, rollbacks } = fakeSteps();
    const views: RunView[] = [];
    const out = await runOnboarding(basePlan, steps, { generateKeys: fakeKeys, onProgress: (v) => views.push(v) });
    assert.ok(out.ok);
    assert.deepEqual(
      calls.map((c) => c.step),
      ['createThing', 'createCertificate', 'createPolicy', 'attachPolicy', 'attachThingPrincipal'],
    );
    assert.deepEqual(calls[1]!.input, { kind: 'csr', csrPem: 'CSR(dev-1)' });
    assert.deepEqual(calls[2]!.input, { policyName: 'dev-1-policy', templateId: 'thing-scoped', thingArn: THING_ARN });
    assert.equal(rollbacks.length, 0);
    assert.equal(out.result.privateKeyPem, 'KEY(dev-1)');
    assert.equal(out.result.certificateId, CERT_ID);
    assert.equal(out.result.created.length, 5);
    assert.equal(out.view.phase, 'succeeded');
    assert.ok(out.view.steps.every((s) => s.status === 'done'));
    // Progress is visible: each step is seen running before it is done.
    assert.ok(views.some((v) => v.steps.find((s) => s.id === 'certificate')?.status === 'running'));
  });

  test('an existing policy is attached without a create step', async () => {
    const { steps, calls } = fakeSteps();
    const plan: OnboardingPlan = { ...basePlan, policy: { mode: 'existing', policyName: 'fleet' } };
    const out = await runOnboarding(plan, steps, { generateKeys: fakeKeys });
    assert.ok(out.ok);
    assert.ok(!calls.some((c) => c.step === 'createPolicy'));
    assert.deepEqual(
      planSteps(plan).map((s) => s.id),
      ['keys', 'thing', 'certificate', 'attach-policy', 'attach-thing'],
    );
  });

  test('AWS-generated keys: the key comes from the certificate step, no browser key is made', async () => {
    const { steps, calls } = fakeSteps();
    let made = 0;
    const out = await runOnboarding({ ...basePlan, credentials: { mode: 'aws-keys' } }, steps, {
      generateKeys: async (cn) => {
        made++;
        return fakeKeys(cn);
      },
    });
    assert.ok(out.ok);
    assert.equal(made, 0);
    assert.deepEqual(calls[1]!.input, { kind: 'aws-keys' });
    assert.equal(out.result.privateKeyPem, 'AWSKEY');
  });

  test('own certificate: registered (with its CA when given) and no private key in the result', async () => {
    const { steps, calls } = fakeSteps();
    const out = await runOnboarding(
      { ...basePlan, credentials: { mode: 'own-certificate', certificatePem: 'MINE', caCertificatePem: 'CA' } },
      steps,
      { generateKeys: fakeKeys },
    );
    assert.ok(out.ok);
    assert.deepEqual(calls[1]!.input, { kind: 'register', certificatePem: 'MINE', caCertificatePem: 'CA' });
    assert.equal(out.result.privateKeyPem, undefined);
  });

  const failures: [StepName, string, number][] = [
    ['createThing', 'thing', 0],
    ['createCertificate', 'certificate', 1],
    ['createPolicy', 'policy', 2],
    ['attachPolicy', 'attach-policy', 3],
    ['attachThingPrincipal', 'attach-thing', 4],
  ];
  for (const [failAt, stepId, madeBefore] of failures) {
    test(`a failure at ${failAt} undoes everything made before it, newest first, and names the step`, async () => {
      const { steps, calls, rollbacks } = fakeSteps({ failAt });
      const out = await runOnboarding(basePlan, steps, { generateKeys: fakeKeys });
      assert.ok(!out.ok);
      assert.equal(calls.at(-1)!.step, failAt);
      assert.equal(out.view.phase, 'failed');
      assert.equal(out.view.failure?.step, stepId);
      assert.match(out.view.failure!.message, new RegExp(`${failAt} refused`));
      if (madeBefore === 0) {
        assert.equal(rollbacks.length, 0);
        assert.match(out.view.failure!.advice, /Nothing was created/);
      } else {
        assert.equal(rollbacks.length, 1);
        assert.equal(rollbacks[0]!.length, madeBefore);
        assert.deepEqual(
          rollbacks[0]!.map((c) => c.kind),
          ['thing', 'certificate', 'policy', 'policy-attachment'].slice(0, madeBefore),
        );
        assert.match(out.view.failure!.advice, /removed again/);
      }
      const failedStep = out.view.steps.find((s) => s.id === stepId)!;
      assert.equal(failedStep.status, 'failed');
      for (const s of out.view.steps) {
        if (s.id !== stepId && s.id !== 'keys')
          assert.ok(['undone', 'pending'].includes(s.status), `${s.id} is ${s.status}`);
      }
    });
  }

  test('what a failing step made half-way is undone too', async () => {
    const { steps, rollbacks } = fakeSteps({
      failAt: 'createThing',
      failCreated: [{ kind: 'thing', thingName: 'dev-1' }],
    });
    const out = await runOnboarding(basePlan, steps, { generateKeys: fakeKeys });
    assert.ok(!out.ok);
    assert.deepEqual(rollbacks, [[{ kind: 'thing', thingName: 'dev-1' }]]);
  });

  test('a step that never answers is a failure (network), rolled back, and its error text is not echoed', async () => {
    const { steps, rollbacks } = fakeSteps({ throwAt: 'attachPolicy' });
    const out = await runOnboarding(basePlan, steps, { generateKeys: fakeKeys });
    assert.ok(!out.ok);
    assert.equal(out.view.failure?.step, 'attach-policy');
    assert.doesNotMatch(out.view.failure!.message, /secret detail/);
    assert.equal(rollbacks[0]!.length, 3);
  });

  test('what could not be undone is reported as left behind, with what to delete by hand', async () => {
    const { steps } = fakeSteps({ failAt: 'attachThingPrincipal', rollbackLeft: ['certificate'] });
    const out = await runOnboarding(basePlan, steps, { generateKeys: fakeKeys });
    assert.ok(!out.ok);
    assert.equal(out.view.rollback?.left.length, 1);
    assert.equal(out.view.steps.find((s) => s.id === 'certificate')?.status, 'left');
    assert.match(out.view.failure!.advice, /deleted by hand.*certificate aaaaaaaaaaaa/);
  });

  test('a failing key generation stops before any AWS call', async () => {
    const { steps, calls } = fakeSteps();
    const out = await runOnboarding(basePlan, steps, {
      generateKeys: async () => {
        throw new Error('no WebCrypto');
      },
    });
    assert.ok(!out.ok);
    assert.equal(calls.length, 0);
    assert.equal(out.view.failure?.step, 'keys');
  });

  test('advice depends on the error', () => {
    assert.match(adviceFor({ code: 'limit_exceeded', message: '' }, undefined), /limit/);
    assert.match(adviceFor({ code: 'throttled', message: '' }, undefined), /temporary/);
    assert.match(adviceFor({ code: 'already_exists', message: '' }, undefined), /another name/);
  });
});
