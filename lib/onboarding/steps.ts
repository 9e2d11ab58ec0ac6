import 'server-only';

import { isNotFound } from '../aws/call';
import { readIotConfig } from '../aws/config';
import { accountIdFromArn, findTemplate, renderTemplate, templateContext } from '../policies/templates';
import type { OnboardingAws } from './aws';
import { withAssumeRoleStatement } from './role-alias';
import type {
  AwsOperation,
  CertificateData,
  CertificateRequest,
  Created,
  OnboardingStepId,
  PolicyRequest,
} from './types';

/**
 * The onboarding engine's one table: every step of a device's onboarding in AWS's order (CreateThing,
 * AddThingToThingGroup, a certificate, CreatePolicy, AttachPolicy, AttachThingPrincipal), each with `create`
 * (its AWS call, answering what it made as ledger entries, so the caller records them before anything else)
 * and `undo` (the AWS calls that remove what it made, run newest first). Two drivers run the table:
 * - one-screen onboarding (lib/onboarding/single.ts): one server action per step, driven by the page;
 * - bulk jobs (lib/onboarding/bulk/): scheduling, per-operation rate limits, retries and resume on top.
 * Nothing here logs: CreateKeysAndCertificate's answer holds a private key.
 */

export interface StepResult<D> {
  /** What the call made, in the order made: the entries of the run's ledger. */
  made: Created[];
  data: D;
}

/** One AWS call of an undo, named by its operation. "Already gone" (not found) counts as undone. */
export interface UndoCall {
  operation: AwsOperation;
  run: () => Promise<void>;
}

interface Step<I, D, K extends Created['kind'] | never> {
  id: OnboardingStepId;
  /** The AWS operation `create` calls. */
  operation(input: I): AwsOperation;
  create(aws: OnboardingAws, input: I): Promise<StepResult<D>>;
  /** The calls that remove what `create` made (steps that make nothing of their own have none). */
  undo?: (aws: OnboardingAws, item: Extract<Created, { kind: K }>) => UndoCall[];
}

/** An undo call for which "not found" means it is already done. */
const undoCall = (operation: AwsOperation, fn: () => Promise<void>): UndoCall => ({
  operation,
  run: () =>
    fn().catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    }),
});

export interface ThingStepInput {
  thingName: string;
  thingTypeName?: string;
  attributes: Record<string, string>;
}

const thing: Step<ThingStepInput, { thingArn: string }, 'thing'> = {
  id: 'thing',
  operation: () => 'CreateThing',
  async create(aws, input) {
    const made = await aws.createThing({
      name: input.thingName,
      attributes: input.attributes,
      ...(input.thingTypeName ? { typeName: input.thingTypeName } : {}),
    });
    return { made: [{ kind: 'thing', thingName: input.thingName }], data: { thingArn: made.arn ?? '' } };
  },
  // Deleting the thing also takes it out of its groups.
  undo: (aws, item) => [undoCall('DeleteThing', () => aws.deleteThing(item.thingName))],
};

const group: Step<{ thingName: string; thingGroupName: string }, null, never> = {
  id: 'group',
  operation: () => 'AddThingToThingGroup',
  async create(aws, input) {
    await aws.addThingToThingGroup(input.thingName, input.thingGroupName);
    return { made: [], data: null };
  },
};

const CERTIFICATE_OPERATIONS: Record<CertificateRequest['kind'], (r: CertificateRequest) => AwsOperation> = {
  csr: () => 'CreateCertificateFromCsr',
  'aws-keys': () => 'CreateKeysAndCertificate',
  register: (r) =>
    r.kind === 'register' && r.caCertificatePem ? 'RegisterCertificate' : 'RegisterCertificateWithoutCA',
};

const certificate: Step<CertificateRequest, CertificateData, 'certificate'> = {
  id: 'certificate',
  operation: (req) => CERTIFICATE_OPERATIONS[req.kind](req),
  async create(aws, req) {
    let data: CertificateData;
    if (req.kind === 'csr') {
      data = await aws.createCertificateFromCsr(req.csrPem);
    } else if (req.kind === 'aws-keys') {
      // Not idempotent: the id goes into the answer's ledger before anything else can fail.
      data = await aws.createKeysAndCertificate();
    } else {
      const registered = req.caCertificatePem
        ? await aws.registerCertificate({
            certificatePem: req.certificatePem,
            caCertificatePem: req.caCertificatePem,
            status: 'ACTIVE',
          })
        : await aws.registerCertificateWithoutCa({ certificatePem: req.certificatePem, status: 'ACTIVE' });
      data = { ...registered, certificatePem: req.certificatePem };
    }
    return {
      made: [{ kind: 'certificate', certificateId: data.certificateId, certificateArn: data.certificateArn }],
      data,
    };
  },
  // AWS deletes only an INACTIVE certificate with nothing attached (the attachments are undone before it).
  undo: (aws, item) => [
    undoCall('UpdateCertificate', () => aws.updateCertificateStatus(item.certificateId, 'INACTIVE')),
    undoCall('DeleteCertificate', () => aws.deleteCertificate(item.certificateId)),
  ],
};

/**
 * The template's document for this thing's region and account (from the ARN CreateThing returned), with the
 * credentials provider's statement when a role alias was chosen.
 */
export function policyDocumentFor(templateId: string, thingArn: string, roleAlias?: string): string {
  const template = findTemplate(templateId);
  if (!template) throw new Error(`unknown template ${templateId}`);
  const region = thingArn.split(':')[3] || readIotConfig().region;
  const document = renderTemplate(template, templateContext(region, accountIdFromArn(thingArn)));
  return roleAlias ? withAssumeRoleStatement(document, thingArn, roleAlias) : document;
}

const policy: Step<PolicyRequest, { policyArn?: string }, 'policy'> = {
  id: 'policy',
  operation: () => 'CreatePolicy',
  async create(aws, req) {
    const made = await aws.createPolicy(req.policyName, policyDocumentFor(req.templateId, req.thingArn, req.roleAlias));
    return { made: [{ kind: 'policy', policyName: req.policyName }], data: made.arn ? { policyArn: made.arn } : {} };
  },
  undo: (aws, item) => [undoCall('DeletePolicy', () => aws.deletePolicy(item.policyName))],
};

const attachPolicy: Step<{ policyName: string; certificateArn: string }, null, 'policy-attachment'> = {
  id: 'attach-policy',
  operation: () => 'AttachPolicy',
  async create(aws, { policyName, certificateArn }) {
    await aws.attachPolicy(policyName, certificateArn);
    return { made: [{ kind: 'policy-attachment', policyName, certificateArn }], data: null };
  },
  undo: (aws, item) => [undoCall('DetachPolicy', () => aws.detachPolicy(item.policyName, item.certificateArn))],
};

const attachThing: Step<{ thingName: string; certificateArn: string }, null, 'thing-principal'> = {
  id: 'attach-thing',
  operation: () => 'AttachThingPrincipal',
  async create(aws, { thingName, certificateArn }) {
    await aws.attachThingPrincipal(thingName, certificateArn);
    return { made: [{ kind: 'thing-principal', thingName, certificateArn }], data: null };
  },
  undo: (aws, item) => [
    undoCall('DetachThingPrincipal', () => aws.detachThingPrincipal(item.thingName, item.certificateArn)),
  ],
};

/** The table, in AWS's order. */
export const ONBOARDING_STEPS = {
  thing,
  group,
  certificate,
  policy,
  'attach-policy': attachPolicy,
  'attach-thing': attachThing,
} as const satisfies Record<OnboardingStepId, { id: OnboardingStepId }>;

/** The calls that undo one ledger entry: the undo of the step that made it. */
export function undoCalls(aws: OnboardingAws, item: Created): UndoCall[] {
  switch (item.kind) {
    case 'thing':
      return thing.undo!(aws, item);
    case 'certificate':
      return certificate.undo!(aws, item);
    case 'policy':
      return policy.undo!(aws, item);
    case 'policy-attachment':
      return attachPolicy.undo!(aws, item);
    case 'thing-principal':
      return attachThing.undo!(aws, item);
  }
}
