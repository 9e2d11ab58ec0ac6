'use server';

import { requireSession } from '@/lib/auth/session';
import { toAppError } from '@/lib/aws/errors';
import { failed, formValues, invalid, invalidByPath, succeeded, type ActionState } from '@/lib/forms/action-state';
import { preflight, type PreflightResult } from '@/lib/onboarding/preflight';
import { fieldIssues, parseOnboardingForm, readOnboardingForm } from '@/lib/onboarding/schema';
import {
  attachPolicyStep,
  attachThingPrincipalStep,
  createCertificateStep,
  createPolicyStep,
  createThingStep,
  rollbackStep,
} from '@/lib/onboarding/single';
import type {
  CertificateData,
  CertificateRequest,
  Created,
  DeviceConnection,
  OnboardingPlan,
  PolicyRequest,
  RollbackReport,
  StepOutcome,
  ThingRequest,
} from '@/lib/onboarding/types';

/**
 * One-device onboarding. The form's action checks everything (zod first, then against AWS: the thing name
 * is free, the type/group/policy exist, a certificate is not registered yet) and returns the plan; the page
 * then drives one action per AWS call so its progress is real, and on a failure sends back what was made
 * for the rollback action to undo. Every action checks the session itself. Nothing here logs: one answer
 * (AWS-generated keys) carries a private key, and it is a POST response, never cached.
 */

export interface ValidatedRun {
  /** New for every accepted submit, so the page starts exactly one run per submit. */
  runId: string;
  plan: OnboardingPlan;
  connection: DeviceConnection;
  /** The topic the bundle, summary and scripts name: the first one the chosen policy lets the device publish to. */
  publishTopic: string;
  /** With a role alias: the credentials provider the bundle names. */
  credentialsProvider?: { endpoint: string; roleAlias: string };
}

export async function validateOnboardingAction(
  _prev: ActionState<ValidatedRun>,
  formData: FormData,
): Promise<ActionState<ValidatedRun>> {
  await requireSession();
  const values = formValues(formData);
  // Pasted PEMs are echoed back only through the page's own state, not the values.
  delete values.certificatePem;
  delete values.caCertificatePem;
  delete values.csrPem;

  const parsed = await parseOnboardingForm(readOnboardingForm(formData));
  if (!parsed.ok) return invalidByPath(parsed.error, values);
  const plan = parsed.plan;

  let checked: PreflightResult;
  try {
    checked = await preflight(plan);
  } catch (err) {
    return failed(toAppError(err).message, values);
  }
  if (checked.problems.length)
    return invalid(fieldIssues(checked.problems), values, 'Nothing was created. Fix the fields marked below.');

  return succeeded('Checked. Onboarding…', {
    runId: crypto.randomUUID(),
    plan,
    connection: checked.connection,
    publishTopic: checked.publishTopic,
    ...(checked.credentialsProvider ? { credentialsProvider: checked.credentialsProvider } : {}),
  });
}

export async function onboardCreateThing(input: ThingRequest): Promise<StepOutcome<{ thingArn: string }>> {
  await requireSession();
  return createThingStep(input);
}

export async function onboardCreateCertificate(input: CertificateRequest): Promise<StepOutcome<CertificateData>> {
  await requireSession();
  return createCertificateStep(input);
}

export async function onboardCreatePolicy(input: PolicyRequest): Promise<StepOutcome<{ policyArn?: string }>> {
  await requireSession();
  return createPolicyStep(input);
}

export async function onboardAttachPolicy(input: {
  policyName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  await requireSession();
  return attachPolicyStep(input);
}

export async function onboardAttachThingPrincipal(input: {
  thingName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  await requireSession();
  return attachThingPrincipalStep(input);
}

export async function onboardRollback(created: Created[]): Promise<RollbackReport> {
  await requireSession();
  return rollbackStep(created);
}
