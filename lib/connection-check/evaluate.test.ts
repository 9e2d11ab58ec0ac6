import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { evaluateCheck, overallStatus } from './evaluate';
import { plannedActions } from './plan';
import type { AuthOutcome, CertificateFacts, CheckFacts } from './types';

const allowed = (policy = 'p'): AuthOutcome => ({ decision: 'ALLOWED', allowedBy: [policy], deniedBy: [] });
const implicit: AuthOutcome = { decision: 'IMPLICIT_DENY', allowedBy: [], deniedBy: [] };

function cert(extra: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    id: 'abcdef0123456789',
    arn: 'arn:aws:iot:us-east-1:123456789012:cert/abcdef0123456789',
    status: 'ACTIVE',
    ca: { kind: 'aws' },
    policies: { ok: true, value: ['dev-policy'] },
    authorization: { ok: true, value: plannedActions('dev').map(() => allowed('dev-policy')) },
    ...extra,
  };
}

function facts(certificates: CertificateFacts[]): CheckFacts {
  return {
    thingName: 'dev',
    thing: { ok: true, value: { exists: true } },
    certificates: { ok: true, value: certificates },
    endpoint: {
      ok: true,
      value: {
        mode: 'local',
        endpoint: 'localhost',
        port: 8883,
        rootCaFileName: 'root-ca.pem',
        rootCaDescription: 'the local root',
      },
    },
  };
}

const steps = (f: CheckFacts) => evaluateCheck(f).flatMap((s) => s.steps);
const step = (f: CheckFacts, suffix: string) => steps(f).find((s) => s.id.endsWith(suffix))!;

describe('connection check', () => {
  test('a fully onboarded device passes every step and is ready', () => {
    const f = facts([cert()]);
    assert.deepEqual(
      steps(f).filter((s) => s.status !== 'pass'),
      [],
    );
    assert.equal(overallStatus(evaluateCheck(f)), 'ready');
  });

  test('a certificate without a policy names the missing policy and links to Policies', () => {
    const f = facts([
      cert({
        policies: { ok: true, value: [] },
        authorization: { ok: true, value: plannedActions('dev').map(() => implicit) },
      }),
    ]);
    const s = step(f, '-policies');
    assert.equal(s.status, 'fail');
    assert.match(s.detail, /This device has no policy/);
    assert.equal(s.fix?.href, '/policies');
    assert.match(s.fix!.text, /Attach one/);
    assert.equal(step(f, '-connect').status, 'fail');
    assert.equal(overallStatus(evaluateCheck(f)), 'problems');
  });

  test('no certificate: attach a certificate', () => {
    const s = step(facts([]), 'certificates');
    assert.equal(s.status, 'fail');
    assert.match(s.fix!.text, /^Attach a certificate/);
  });

  test('an inactive certificate says how to activate it; a revoked one says to issue a new one', () => {
    assert.match(step(facts([cert({ status: 'INACTIVE' })]), '-status').fix!.text, /Activate it/);
    assert.match(step(facts([cert({ status: 'REVOKED' })]), '-status').fix!.text, /Issue a new certificate/);
  });

  test('an inactive CA fails with a link to the CA', () => {
    const s = step(
      facts([cert({ ca: { kind: 'registered', id: 'ca123', status: { ok: true, value: 'INACTIVE' } } })]),
      '-ca',
    );
    assert.equal(s.status, 'fail');
    assert.equal(s.fix?.href, '/cas/ca123');
  });

  test('shadow actions denied only warn; telemetry denied fails and names the policy to change', () => {
    const outcomes = plannedActions('dev').map((p) =>
      p.essential && p.id !== 'publish-telemetry' ? allowed() : implicit,
    );
    const f = facts([cert({ authorization: { ok: true, value: outcomes } })]);
    assert.equal(step(f, '-publish-shadow').status, 'warn');
    const telemetry = step(f, '-publish-telemetry');
    assert.equal(telemetry.status, 'fail');
    assert.match(telemetry.detail, /none of "dev-policy" allows iot:Publish on topic dev\/telemetry/);
    assert.equal(telemetry.fix?.href, '/policies/dev-policy');
  });

  test('an explicit deny names the denying policy', () => {
    const outcomes = plannedActions('dev').map(
      (p): AuthOutcome =>
        p.id === 'connect' ? { decision: 'EXPLICIT_DENY', allowedBy: [], deniedBy: ['lockdown'] } : allowed(),
    );
    const s = step(facts([cert({ authorization: { ok: true, value: outcomes } })]), '-connect');
    assert.equal(s.status, 'fail');
    assert.match(s.detail, /Explicitly denied by "lockdown"/);
    assert.equal(s.fix?.href, '/policies/lockdown');
  });

  test('a missing thing stops the check with how to onboard', () => {
    const f = { ...facts([]), thing: { ok: true as const, value: { exists: false } } };
    const sections = evaluateCheck(f);
    assert.equal(sections.length, 1);
    assert.equal(sections[0]!.steps[0]!.status, 'fail');
  });
});
