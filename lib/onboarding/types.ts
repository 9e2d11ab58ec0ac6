/**
 * Shapes shared by the onboarding page (browser), its server actions, the orchestration and the bench.
 * Pure: no SDK, no server-only imports.
 */
import type { KeyAlgorithm } from '../pki/browser-keys';

export type CredentialMode = 'browser-key' | 'aws-keys' | 'own-certificate' | 'own-csr';

export const CREDENTIAL_MODES: readonly { value: CredentialMode; label: string; hint: string }[] = [
  {
    value: 'browser-key',
    label: 'Key made in this browser',
    hint: 'A key pair and CSR are made here; AWS IoT signs the CSR. The private key never leaves this browser.',
  },
  {
    value: 'aws-keys',
    label: 'AWS-generated keys',
    hint: 'CreateKeysAndCertificate: AWS makes the key pair. The key passes through the server once, straight into your download; it is not stored.',
  },
  {
    value: 'own-certificate',
    label: 'My own certificate',
    hint: 'Register a certificate you already have (for example self-signed with openssl). Its key stays with you.',
  },
  {
    value: 'own-csr',
    label: 'My own CSR',
    hint: 'AWS IoT signs a certificate signing request made on the device. Its key stays on the device.',
  },
];

export type PolicyChoice =
  | { mode: 'template'; templateId: string; policyName: string }
  | { mode: 'existing'; policyName: string };

export type CredentialChoice =
  | { mode: 'browser-key'; algorithm: KeyAlgorithm }
  | { mode: 'aws-keys' }
  | { mode: 'own-certificate'; certificatePem: string; caCertificatePem?: string }
  | { mode: 'own-csr'; csrPem: string };

/** Everything the operator asked for, validated (the form's action returns it). */
export interface OnboardingPlan {
  thingName: string;
  thingTypeName?: string;
  thingGroupName?: string;
  attributes: Record<string, string>;
  credentials: CredentialChoice;
  policy: PolicyChoice;
  /** A role alias the device may get AWS credentials for (the credentials provider); optional. */
  roleAlias?: string;
}

/** What a device needs to reach AWS IoT: one definition, in lib/bundle/connection.ts. */
export type { DeviceConnection } from '../bundle/connection';

/**
 * The steps of one device's onboarding, in AWS's order: what lib/onboarding/steps.ts makes and undoes, for
 * one-screen onboarding and bulk jobs alike. `group` (AddThingToThingGroup) makes nothing of its own to undo:
 * deleting the thing removes it from the group; `policy` runs only when a template policy is made per device.
 */
export const ONBOARDING_STEP_IDS = [
  'thing',
  'group',
  'certificate',
  'policy',
  'attach-policy',
  'attach-thing',
] as const;
export type OnboardingStepId = (typeof ONBOARDING_STEP_IDS)[number];

/** The AWS operations the steps make and undo, by their API names (a bulk job's rate-limit keys). */
export type AwsOperation =
  | 'CreateThing'
  | 'AddThingToThingGroup'
  | 'CreateCertificateFromCsr'
  | 'CreateKeysAndCertificate'
  | 'RegisterCertificate'
  | 'RegisterCertificateWithoutCA'
  | 'CreatePolicy'
  | 'AttachPolicy'
  | 'AttachThingPrincipal'
  | 'DetachThingPrincipal'
  | 'DetachPolicy'
  | 'DeletePolicy'
  | 'UpdateCertificate'
  | 'DeleteCertificate'
  | 'DeleteThing';

/** One AWS resource (or link) a run made, in the order made; undone in reverse. */
export type Created =
  | { kind: 'thing'; thingName: string }
  | { kind: 'certificate'; certificateId: string; certificateArn: string }
  | { kind: 'policy'; policyName: string }
  | { kind: 'policy-attachment'; policyName: string; certificateArn: string }
  | { kind: 'thing-principal'; thingName: string; certificateArn: string };

export interface StepError {
  /** An AppErrorCode, or `invalid` (refused before AWS was called), or `network` (no answer from the server). */
  code: string;
  message: string;
}

/** The answer of one step: what it made (also when it failed half-way) and its data or error. */
export type StepOutcome<D> =
  | { ok: true; created: Created[]; data: D }
  | { ok: false; created: Created[]; error: StepError };

export interface CertificateData {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  /** Only for AWS-generated keys: returned once, never stored. */
  privateKeyPem?: string;
  publicKeyPem?: string;
}

export type CertificateRequest =
  | { kind: 'csr'; csrPem: string }
  | { kind: 'aws-keys' }
  | { kind: 'register'; certificatePem: string; caCertificatePem?: string };

export interface ThingRequest {
  thingName: string;
  thingTypeName?: string;
  thingGroupName?: string;
  attributes: Record<string, string>;
}

export interface PolicyRequest {
  policyName: string;
  templateId: string;
  /** When given, the policy also allows iot:AssumeRoleWithCertificate on this role alias. */
  roleAlias?: string;
  /** The ARN CreateThing returned: where the policy's region and account come from. */
  thingArn: string;
}

export interface RollbackReport {
  /** Undone, in the order undone. */
  undone: Created[];
  /** What could not be undone, with why: the operator must remove these by hand. */
  left: { item: Created; message: string }[];
  /** Why nothing was looked at, when the request itself was refused (a role too small, arguments of another shape). */
  refused?: string;
}

/** The server side of every step, as the page's actions or the bench call it. */
export interface OnboardingSteps {
  createThing(input: ThingRequest): Promise<StepOutcome<{ thingArn: string }>>;
  createCertificate(input: CertificateRequest): Promise<StepOutcome<CertificateData>>;
  createPolicy(input: PolicyRequest): Promise<StepOutcome<{ policyArn?: string }>>;
  attachPolicy(input: { policyName: string; certificateArn: string }): Promise<StepOutcome<null>>;
  attachThingPrincipal(input: { thingName: string; certificateArn: string }): Promise<StepOutcome<null>>;
  rollback(created: Created[]): Promise<RollbackReport>;
}

/** A finished onboarding: what the bundle and the summary need. */
export interface OnboardingResult {
  thingName: string;
  thingArn: string;
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  /** Browser-made or AWS-generated keys only; absent when the operator holds the key. */
  privateKeyPem?: string;
  publicKeyPem?: string;
  policyName: string;
  created: Created[];
}
