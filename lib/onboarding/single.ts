import 'server-only';

import type { z } from 'zod';

import { toAppError } from '../aws/errors';
import { thingExists } from '../aws/things';
import { forgetThing, rememberThing } from '../things/thing-index';
import { type OnboardingAws, onboardingAws } from './aws';
import {
  attachPolicySchema,
  attachThingSchema,
  certificateRequestSchema,
  policyRequestSchema,
  rollbackSchema,
  thingRequestSchema,
} from './schema';
import { ONBOARDING_STEPS, type StepResult, undoCalls } from './steps';
import type {
  CertificateData,
  CertificateRequest,
  Created,
  OnboardingSteps,
  PolicyRequest,
  RollbackReport,
  StepError,
  StepOutcome,
  ThingRequest,
} from './types';

/**
 * One-screen onboarding, server side: each step of the table (lib/onboarding/steps.ts) as its own server
 * action body. Each validates its input (every step is its own endpoint), runs the step on the server's
 * shared client, and answers with what was made; the page (lib/onboarding/run.ts) keeps the ledger and,
 * after a failure, sends it back to `rollbackStep`. Errors become a code and a message for a person, never a
 * thrown 500; no answer here is ever logged (the AWS-generated private key travels in one of them).
 */

const aws = (): OnboardingAws => onboardingAws();

function invalidStep(error: z.ZodError): StepOutcome<never> {
  const first = error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return {
    ok: false,
    created: [],
    error: { code: 'invalid', message: `${where}${first?.message ?? 'Invalid input.'}` },
  };
}

function stepError(err: unknown): StepError {
  const e = toAppError(err);
  return { code: e.code, message: e.message };
}

/** One step's outcome: what it made, or why it failed. */
async function outcome<D>(run: () => Promise<StepResult<D>>): Promise<StepOutcome<D>> {
  try {
    const { made, data } = await run();
    return { ok: true, created: made, data };
  } catch (err) {
    return { ok: false, created: [], error: stepError(err) };
  }
}

/** CreateThing, then AddThingToThingGroup when a group is asked for: one step on the page. */
export async function createThingStep(input: ThingRequest): Promise<StepOutcome<{ thingArn: string }>> {
  const parsed = thingRequestSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  const created: Created[] = [];
  try {
    // CreateThing succeeds for an existing thing with the same configuration: check first, so a run never
    // adopts (and a rollback never deletes) a thing someone else made.
    if (await thingExists(req.thingName)) {
      return {
        ok: false,
        created,
        error: { code: 'already_exists', message: `A thing named ${req.thingName} already exists.` },
      };
    }
    const made = await ONBOARDING_STEPS.thing.create(aws(), req);
    created.push(...made.made);
    rememberThing({ name: req.thingName, typeName: req.thingTypeName, attributes: req.attributes, version: 1 });
    if (req.thingGroupName) {
      await ONBOARDING_STEPS.group.create(aws(), { thingName: req.thingName, thingGroupName: req.thingGroupName });
    }
    return { ok: true, created, data: made.data };
  } catch (err) {
    return { ok: false, created, error: stepError(err) };
  }
}

export async function createCertificateStep(input: CertificateRequest): Promise<StepOutcome<CertificateData>> {
  const parsed = certificateRequestSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  return outcome(() => ONBOARDING_STEPS.certificate.create(aws(), req));
}

export async function createPolicyStep(input: PolicyRequest): Promise<StepOutcome<{ policyArn?: string }>> {
  const parsed = policyRequestSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  const answer = await outcome(() => ONBOARDING_STEPS.policy.create(aws(), req));
  if (!answer.ok && answer.error.code === 'already_exists')
    answer.error.message = `A policy named ${req.policyName} already exists; give another name or pick it as an existing policy.`;
  return answer;
}

export async function attachPolicyStep(input: {
  policyName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  const parsed = attachPolicySchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  return outcome(() => ONBOARDING_STEPS['attach-policy'].create(aws(), req));
}

export async function attachThingPrincipalStep(input: {
  thingName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  const parsed = attachThingSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  return outcome(() => ONBOARDING_STEPS['attach-thing'].create(aws(), req));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Undoes what a run made, newest first (AWS's order: detach principal, detach policy, delete the policy the
 * run created, deactivate and delete the certificate, delete the thing). Each undo is tried a few times;
 * whatever still fails is reported, and the rest carries on.
 */
export async function rollbackStep(input: Created[]): Promise<RollbackReport> {
  const parsed = rollbackSchema.safeParse(input);
  if (!parsed.success) {
    // Nothing is touched on a ledger that does not parse; say so for each entry the page sent.
    const items = Array.isArray(input) ? input : [];
    return {
      undone: [],
      left: items.map((item) => ({ item, message: 'Not undone: the undo request was malformed.' })),
    };
  }
  const client = aws();
  const report: RollbackReport = { undone: [], left: [] };
  for (const item of [...parsed.data].reverse()) {
    let lastError: string | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        for (const call of undoCalls(client, item)) await call.run();
        lastError = undefined;
        break;
      } catch (err) {
        lastError = toAppError(err).message;
        await sleep(200 * 2 ** attempt);
      }
    }
    if (lastError) {
      report.left.push({ item, message: lastError });
    } else {
      report.undone.push(item);
      if (item.kind === 'thing') forgetThing(item.thingName);
    }
  }
  return report;
}

/** Every step, as the page's actions and the bench call them. */
export const serverSteps: OnboardingSteps = {
  createThing: createThingStep,
  createCertificate: createCertificateStep,
  createPolicy: createPolicyStep,
  attachPolicy: attachPolicyStep,
  attachThingPrincipal: attachThingPrincipalStep,
  rollback: rollbackStep,
};
