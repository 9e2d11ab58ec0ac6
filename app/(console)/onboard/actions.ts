'use server';

import { z } from 'zod';

import { audited, recordAudit } from '@/lib/audit/record';
import { refusedMessage, roleAction, roleCall } from '@/lib/auth/action';
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
import { certificateId, thingName } from '@/lib/validation/iot-names';
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
 * for the rollback action to undo. Every action needs an operator, checked first, and each AWS change is an
 * audit event (names, ids and ARNs only). Nothing here logs: one answer (AWS-generated keys) carries a private
 * key, and it is a POST response, never cached.
 */

/** A refused step made nothing. */
const stepRefused = <D>(message: string): StepOutcome<D> => ({
  ok: false,
  created: [],
  error: { code: 'forbidden', message },
});

/** A refused rollback undid nothing: everything is left, with the reason. */
const rollbackRefused = (message: string, [created]: readonly unknown[]): RollbackReport => ({
  undone: [],
  left: (Array.isArray(created) ? (created as Created[]) : []).map((item) => ({ item, message })),
  refused: message,
});

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

export const validateOnboardingAction = roleAction(
  'operator',
  async (_operator, _prev: ActionState<ValidatedRun>, formData: FormData): Promise<ActionState<ValidatedRun>> => {
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
  },
);

/** A step's audit outcome: its own answer says whether it failed (steps report failures, they do not throw). */
const stepAudit =
  <D>(
    more: (data: D) => { resource?: { type?: string; id?: string; arn?: string }; related?: string[] } = () => ({}),
  ) =>
  (o: StepOutcome<D>) =>
    o.ok
      ? { outcome: 'success' as const, ...more(o.data) }
      : { outcome: 'failure' as const, details: { error: o.error.message } };

const KEY_ORIGIN: Record<CertificateRequest['kind'], string> = {
  csr: 'made in the browser (CSR)',
  'aws-keys': 'made by AWS IoT (CreateKeysAndCertificate)',
  register: "the operator's own certificate",
};

export const onboardCreateThing = roleCall(
  'operator',
  stepRefused,
  z.tuple([z.looseObject({ thingName: z.string() })]),
  async (operator, input: ThingRequest): Promise<StepOutcome<{ thingArn: string }>> =>
    audited(
      operator,
      {
        action: 'thing.create',
        resource: { type: 'thing', id: input?.thingName },
        ...(input?.thingGroupName ? { related: [input.thingGroupName] } : {}),
        details: { via: 'onboarding' },
      },
      () => createThingStep(input),
      { after: stepAudit((d) => ({ resource: { type: 'thing', id: input?.thingName, arn: d.thingArn } })) },
    ),
);

/** A key made by AWS is a credential event: the record says which kind of key, never the key. */
export const onboardCreateCertificate = roleCall(
  'operator',
  stepRefused,
  z.tuple([z.looseObject({ kind: z.enum(['csr', 'aws-keys', 'register']) })]),
  async (operator, input: CertificateRequest): Promise<StepOutcome<CertificateData>> =>
    audited(
      operator,
      {
        action: 'certificate.create',
        resource: { type: 'certificate' },
        details: { key: KEY_ORIGIN[input?.kind] ?? 'unknown', via: 'onboarding' },
      },
      () => createCertificateStep(input),
      {
        after: stepAudit((d) => ({ resource: { type: 'certificate', id: d.certificateId, arn: d.certificateArn } })),
      },
    ),
);

export const onboardCreatePolicy = roleCall(
  'operator',
  stepRefused,
  z.tuple([z.looseObject({ policyName: z.string() })]),
  async (operator, input: PolicyRequest): Promise<StepOutcome<{ policyArn?: string }>> =>
    audited(
      operator,
      {
        action: 'policy.create',
        resource: { type: 'policy', id: input?.policyName },
        details: { template: input?.templateId, via: 'onboarding' },
      },
      () => createPolicyStep(input),
      { after: stepAudit((d) => ({ resource: { type: 'policy', id: input?.policyName, arn: d.policyArn } })) },
    ),
);

export const onboardAttachPolicy = roleCall(
  'operator',
  stepRefused,
  z.tuple([z.looseObject({ policyName: z.string(), certificateArn: z.string() })]),
  async (operator, input: { policyName: string; certificateArn: string }): Promise<StepOutcome<null>> =>
    audited(
      operator,
      {
        action: 'policy.attach',
        resource: { type: 'policy', id: input?.policyName },
        related: [input?.certificateArn],
      },
      () => attachPolicyStep(input),
      { after: stepAudit() },
    ),
);

export const onboardAttachThingPrincipal = roleCall(
  'operator',
  stepRefused,
  z.tuple([z.looseObject({ thingName: z.string(), certificateArn: z.string() })]),
  async (operator, input: { thingName: string; certificateArn: string }): Promise<StepOutcome<null>> =>
    audited(
      operator,
      {
        action: 'thing.attach-certificate',
        resource: { type: 'thing', id: input?.thingName },
        related: [input?.certificateArn],
      },
      () => attachThingPrincipalStep(input),
      { after: stepAudit() },
    ),
);

const createdIds = (items: readonly Created[]) =>
  items.map((c) => ('certificateArn' in c ? c.certificateArn : 'thingName' in c ? c.thingName : c.policyName));

export const onboardRollback = roleCall(
  'operator',
  rollbackRefused,
  z.tuple([z.array(z.looseObject({}))]),
  async (operator, created: Created[]): Promise<RollbackReport> =>
    audited(operator, { action: 'onboarding.rollback' }, () => rollbackStep(created), {
      after: (r) => ({
        outcome: r.left.length ? 'failure' : 'success',
        related: createdIds([...r.undone, ...r.left.map((l) => l.item)]),
        details: { undone: r.undone.length, left: r.left.length },
      }),
    }),
);

const bundleDownload = z.object({
  thingName,
  certificateId: certificateId.transform((id) => id.replace(/^0x/, '').toLowerCase()),
  withPrivateKey: z.boolean(),
});

/**
 * The page built a device's credential bundle in the browser and saved it (the private key, when there is
 * one, is only in that file): the download is recorded here, since the server never sees the file.
 */
export const recordBundleDownload = roleCall(
  'operator',
  refusedMessage,
  z.tuple([z.looseObject({ thingName: z.string(), certificateId: z.string(), withPrivateKey: z.boolean() })]),
  async (operator, input: { thingName: string; certificateId: string; withPrivateKey: boolean }) => {
    const parsed = bundleDownload.safeParse(input);
    if (!parsed.success) return { ok: false as const, message: 'Not a thing name and certificate id.' };
    await recordAudit(operator, {
      action: 'bundle.download',
      resource: { type: 'thing', id: parsed.data.thingName },
      related: [parsed.data.certificateId],
      outcome: 'success',
      details: { withPrivateKey: parsed.data.withPrivateKey, builtIn: 'browser' },
    });
    return { ok: true as const };
  },
);
