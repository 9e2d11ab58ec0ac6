import 'server-only';

import type { z } from 'zod';

import { deleteCertificateFully } from '../aws/cleanup';
import { registerCertificate, registerCertificateWithoutCa } from '../aws/certificates';
import { readIotConfig } from '../aws/config';
import { toAppError } from '../aws/errors';
import {
  addThingToThingGroup,
  attachPolicy,
  attachThingPrincipal,
  createCertificateFromCsr,
  createKeysAndCertificate,
  createPolicy,
  createThing,
  deletePolicy,
  deleteThing,
  detachPolicy,
  detachThingPrincipal,
  thingExists,
} from '../aws/onboarding';
import { forgetThing, rememberThing } from '../aws/thing-index';
import { accountIdFromArn, findTemplate, renderTemplate, templateContext } from '../policies/templates';
import {
  attachPolicySchema,
  attachThingSchema,
  certificateRequestSchema,
  policyRequestSchema,
  rollbackSchema,
  thingRequestSchema,
} from './schema';
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
 * The server side of each onboarding step: validate the step's input (each step is its own endpoint), make
 * one AWS call (two for the thing when it joins a group), and answer with what was made. Errors become a
 * code and a message for a person, never a thrown 500; no answer here is ever logged (the AWS-generated
 * private key travels in one of them).
 */

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
    const thing = await createThing(req);
    created.push({ kind: 'thing', thingName: req.thingName });
    rememberThing({ name: req.thingName, typeName: req.thingTypeName, attributes: req.attributes, version: 1 });
    if (req.thingGroupName) await addThingToThingGroup(req.thingName, req.thingGroupName);
    return { ok: true, created, data: { thingArn: thing.arn } };
  } catch (err) {
    return { ok: false, created, error: stepError(err) };
  }
}

export async function createCertificateStep(input: CertificateRequest): Promise<StepOutcome<CertificateData>> {
  const parsed = certificateRequestSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  try {
    if (req.kind === 'csr') {
      const cert = await createCertificateFromCsr(req.csrPem);
      return {
        ok: true,
        created: [{ kind: 'certificate', certificateId: cert.certificateId, certificateArn: cert.certificateArn }],
        data: cert,
      };
    }
    if (req.kind === 'aws-keys') {
      // Not idempotent: the id goes into the answer's ledger before anything else can fail.
      const issued = await createKeysAndCertificate();
      return {
        ok: true,
        created: [{ kind: 'certificate', certificateId: issued.certificateId, certificateArn: issued.certificateArn }],
        data: issued,
      };
    }
    const registered = req.caCertificatePem
      ? await registerCertificate({
          certificatePem: req.certificatePem,
          caCertificatePem: req.caCertificatePem,
          status: 'ACTIVE',
        })
      : await registerCertificateWithoutCa({ certificatePem: req.certificatePem, status: 'ACTIVE' });
    return {
      ok: true,
      created: [
        { kind: 'certificate', certificateId: registered.certificateId, certificateArn: registered.certificateArn },
      ],
      data: { ...registered, certificatePem: req.certificatePem },
    };
  } catch (err) {
    return { ok: false, created: [], error: stepError(err) };
  }
}

/** The template's document for this thing's region and account (from the ARN CreateThing returned). */
export function policyDocumentFor(templateId: string, thingArn: string): string {
  const template = findTemplate(templateId);
  if (!template) throw new Error(`unknown template ${templateId}`);
  const region = thingArn.split(':')[3] || readIotConfig().region;
  return renderTemplate(template, templateContext(region, accountIdFromArn(thingArn)));
}

export async function createPolicyStep(input: PolicyRequest): Promise<StepOutcome<{ policyArn?: string }>> {
  const parsed = policyRequestSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const req = parsed.data;
  try {
    const policy = await createPolicy(req.policyName, policyDocumentFor(req.templateId, req.thingArn));
    return {
      ok: true,
      created: [{ kind: 'policy', policyName: req.policyName }],
      data: policy.arn ? { policyArn: policy.arn } : {},
    };
  } catch (err) {
    const e = stepError(err);
    if (e.code === 'already_exists')
      e.message = `A policy named ${req.policyName} already exists; give another name or pick it as an existing policy.`;
    return { ok: false, created: [], error: e };
  }
}

export async function attachPolicyStep(input: {
  policyName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  const parsed = attachPolicySchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const { policyName, certificateArn } = parsed.data;
  try {
    await attachPolicy(policyName, certificateArn);
    return { ok: true, created: [{ kind: 'policy-attachment', policyName, certificateArn }], data: null };
  } catch (err) {
    return { ok: false, created: [], error: stepError(err) };
  }
}

export async function attachThingPrincipalStep(input: {
  thingName: string;
  certificateArn: string;
}): Promise<StepOutcome<null>> {
  const parsed = attachThingSchema.safeParse(input);
  if (!parsed.success) return invalidStep(parsed.error);
  const { thingName, certificateArn } = parsed.data;
  try {
    await attachThingPrincipal(thingName, certificateArn);
    return { ok: true, created: [{ kind: 'thing-principal', thingName, certificateArn }], data: null };
  } catch (err) {
    return { ok: false, created: [], error: stepError(err) };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function undo(item: Created): Promise<void> {
  switch (item.kind) {
    case 'thing-principal':
      return detachThingPrincipal(item.thingName, item.certificateArn);
    case 'policy-attachment':
      return detachPolicy(item.policyName, item.certificateArn);
    case 'policy':
      return deletePolicy(item.policyName);
    case 'certificate':
      // INACTIVE, then delete (with AWS's own order for anything still attached).
      await deleteCertificateFully(item.certificateId);
      return;
    case 'thing':
      await deleteThing(item.thingName);
      forgetThing(item.thingName);
      return;
  }
}

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
  const report: RollbackReport = { undone: [], left: [] };
  for (const item of [...parsed.data].reverse()) {
    let lastError: string | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await undo(item);
        lastError = undefined;
        break;
      } catch (err) {
        lastError = toAppError(err).message;
        await sleep(200 * 2 ** attempt);
      }
    }
    if (lastError) report.left.push({ item, message: lastError });
    else report.undone.push(item);
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
