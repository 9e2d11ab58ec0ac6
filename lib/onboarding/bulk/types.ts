import type { OnboardingStepId } from '../types';

/**
 * The bulk onboarding job: its records (kept by a JobStore, lib/onboarding/bulk/store.ts) and its
 * settings. Pure types and defaults: no SDK, no Node APIs, so the page can import them too.
 */

/**
 * AWS IoT operations the job makes, by their API names (the rate limiter's keys): the steps' own calls and
 * undos (lib/onboarding/steps.ts) and the reads that tell a resumed job what a call in flight did.
 */
export type JobOperation =
  | 'CreateThing'
  | 'AddThingToThingGroup'
  | 'DescribeThing'
  | 'CreateCertificateFromCsr'
  | 'ListCertificates'
  | 'DescribeCertificate'
  | 'AttachPolicy'
  | 'ListAttachedPolicies'
  | 'AttachThingPrincipal'
  | 'ListThingPrincipals'
  | 'DetachThingPrincipal'
  | 'DetachPolicy'
  | 'UpdateCertificate'
  | 'DeleteCertificate'
  | 'DeleteThing';

/**
 * Per-operation rates (requests per second) the job keeps to, from AWS IoT's default quotas per account and
 * region: CreateThing 100, DescribeThing 350, AttachThingPrincipal 100, DeleteThing 100 (documented);
 * certificate and policy APIs around 10-15 (reported, not confirmed). Settings, not constants: a job carries
 * its own copy, and the operator can change the four main ones before it starts.
 */
export const DEFAULT_JOB_RATES: Readonly<Record<JobOperation, number>> = {
  CreateThing: 100,
  AddThingToThingGroup: 100,
  DescribeThing: 350,
  CreateCertificateFromCsr: 15,
  ListCertificates: 10,
  DescribeCertificate: 10,
  AttachPolicy: 15,
  ListAttachedPolicies: 10,
  AttachThingPrincipal: 100,
  ListThingPrincipals: 100,
  DetachThingPrincipal: 100,
  DetachPolicy: 15,
  UpdateCertificate: 10,
  DeleteCertificate: 10,
  DeleteThing: 100,
};

/** The four operations every device needs, in AWS's onboarding order: the rates the form lets the operator set. */
export const MAIN_OPERATIONS = [
  'CreateThing',
  'CreateCertificateFromCsr',
  'AttachPolicy',
  'AttachThingPrincipal',
] as const;

export interface JobSettings {
  /** Devices in progress at once. */
  concurrency: number;
  /** Requests per second per operation; an operation not listed is not limited. */
  rates: Partial<Record<JobOperation, number>>;
  /** Attempts per call when AWS answers ThrottlingException (or is briefly unavailable), first one included. */
  maxAttempts: number;
  /** Exponential backoff with full jitter: a random wait in [0, min(maxDelayMs, baseDelayMs * 2^retry)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  concurrency: 16,
  rates: { ...DEFAULT_JOB_RATES },
  maxAttempts: 10,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};

export type JobStatus = 'draft' | 'running' | 'cancelling' | 'cancelled' | 'completed';

export interface JobRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  status: JobStatus;
  /** The policy attached to every certificate (made from a template when the job was created, or existing). */
  policyName: string;
  policySource: 'template' | 'existing';
  total: number;
  settings: JobSettings;
  /** The user who created it (users.id): the actor of the audit events the job itself records. */
  createdBy?: string;
  startedAt?: number;
  finishedAt?: number;
}

/** What the operator asked for, one device (stored once). */
export interface DeviceInput {
  thingName: string;
  attributes: Record<string, string>;
  thingTypeName?: string;
  thingGroupName?: string;
  /** PKCS#10 made in the operator's browser; its private key never leaves that page. */
  csrPem: string;
}

export type DeviceStatus = 'pending' | 'running' | 'rolling-back' | 'done' | 'rolled-back' | 'failed';

/**
 * One step of a device's onboarding (the table's steps a bulk device runs: its policy is made once per job),
 * plus its rollback. Journalled, so the names stay as they are.
 */
export type DeviceStep = Exclude<OnboardingStepId, 'policy'> | 'rollback';

export const STEP_LABELS: Readonly<Record<DeviceStep, string>> = {
  thing: 'CreateThing',
  group: 'AddThingToThingGroup',
  certificate: 'CreateCertificateFromCsr',
  'attach-policy': 'AttachPolicy',
  'attach-thing': 'AttachThingPrincipal',
  rollback: 'rollback',
};

/**
 * A device's progress, recorded before and after every AWS call: `inflight` names the step whose call is about
 * to be made, moves forward with each step and is cleared when the device ends, so a restart knows from which
 * call on it must ask AWS what happened (lib/onboarding/bulk/reconcile.ts).
 */
export interface DeviceState {
  jobId: string;
  index: number;
  thingName: string;
  status: DeviceStatus;
  inflight?: { step: DeviceStep; at: number };
  thingArn?: string;
  /** This job made the thing (so its rollback may delete it). */
  thingCreated?: boolean;
  groupAdded?: boolean;
  /** Recorded the moment CreateCertificateFromCsr returns (it is not idempotent). */
  certificateId?: string;
  certificateArn?: string;
  policyAttached?: boolean;
  principalAttached?: boolean;
  /** Why the device failed: the step, the app error code and a message for a person. */
  error?: { step: DeviceStep; code: string; message: string };
  rollback?: { undone: string[]; left: { what: string; message: string }[] };
  /** Set by an operator's retry of a device whose rollback left something: removed first, then run again. */
  requeue?: boolean;
  /** Runs of this device (1 + operator retries). */
  runs: number;
  startedAt?: number;
  finishedAt?: number;
}

/** The terminal statuses: nothing more happens to the device unless the operator retries it. */
export const FINISHED: ReadonlySet<DeviceStatus> = new Set(['done', 'rolled-back', 'failed']);

/** What the page polls: the job, counts, rate and ETA, and every device's status (no PEMs). */
export interface JobView {
  job: JobRecord;
  counts: Record<DeviceStatus, number>;
  /** Devices finished per second over the last stretch of the run; undefined before there is a measure. */
  rate?: number;
  /** Seconds until every device is finished at the current rate. */
  etaSeconds?: number;
  /** Calls this process retried after ThrottlingException. */
  throttleRetries?: number;
  devices: DeviceRow[];
}

export interface DeviceRow {
  index: number;
  thingName: string;
  status: DeviceStatus;
  certificateId?: string;
  /** Where it is now (running) or where it failed. */
  step?: DeviceStep;
  reason?: string;
}
