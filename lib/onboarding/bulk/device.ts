import type { OnboardingAws } from '../aws';
import { ONBOARDING_STEPS } from '../steps';
import type { AwsOperation } from '../types';
import { AMBIGUOUS, codeOf, type JobCall, messageOf } from './call';
import { adoptCertificate, reconcileInflight } from './reconcile';
import { rollbackDevice } from './rollback';
import { deviceKey, type JobStore, StoreClosedError, type WriteOptions } from './store';
import { type DeviceInput, type DeviceState, type DeviceStep, type JobSettings, STEP_LABELS } from './types';

/**
 * One device of a bulk job through the onboarding table (lib/onboarding/steps.ts), in AWS's order:
 * CreateThing (+ AddThingToThingGroup), CreateCertificateFromCsr, AttachPolicy (the job's policy),
 * AttachThingPrincipal. Each step is recorded BEFORE its AWS call (`inflight`: that step) and AFTER it (what it
 * made); the certificate id and PEM are recorded the moment CreateCertificateFromCsr returns. `inflight` stays
 * set from the pass's first call until the device is done or fails, so whatever a crash leaves of the records,
 * a resume sees an in-flight step at or before every call that may have been made, and checks from there on
 * (reconcile.ts). That is why only the pass's first call waits for its record to be durable: the records after
 * it are `deferred` (store.ts) until the device ends, so a device costs the database one wait and two writes
 * instead of a wait and a write per call.
 * A device that fails is rolled back (lib/onboarding/bulk/rollback.ts) and keeps its reason.
 */

/** What a pass of the job gives each of its devices. */
export interface DeviceContext {
  store: JobStore;
  aws: OnboardingAws;
  settings: JobSettings;
  /** The job's policy, attached to every certificate. */
  policyName: string;
  /** One AWS call: rate-limited, throttling retried (lib/onboarding/bulk/call.ts). */
  call: JobCall;
  now: () => number;
  /** The runner was killed: nothing more is written or called. */
  isDead: () => boolean;
}

/** A device's record as it changes: `save` rewrites it whole (with its certificate PEM in the same write). */
export interface DeviceRecord {
  readonly state: DeviceState;
  save(patch: Partial<DeviceState>, extra?: { pem?: string | null } & WriteOptions): void;
}

export function deviceRecord(store: JobStore, initial: DeviceState): DeviceRecord {
  let d = initial;
  const key = deviceKey(initial.jobId, initial.index);
  return {
    get state() {
      return d;
    },
    save(patch, extra) {
      d = { ...d, ...patch };
      const opts = { deferred: extra?.deferred === true };
      if (extra?.pem !== undefined) store.commit({ states: [[key, d]], pems: [[key, extra.pem ?? undefined]] }, opts);
      else store.putState(d, opts);
    },
  };
}

export async function runDevice(ctx: DeviceContext, initial: DeviceState): Promise<void> {
  const input = ctx.store.input(initial.jobId, initial.index);
  if (!input) return;
  const rec = deviceRecord(ctx.store, initial);
  const { aws, call } = ctx;

  /**
   * Whether this pass's first call was made (after its in-flight record was durable): from then on `inflight`
   * only moves forward (never cleared) until the device ends, so the records until then can be deferred.
   */
  let deferred = false;
  /** One step of the table: recorded before (in flight) and after (what it made, `inflight` still set). */
  const step = async <T>(name: DeviceStep, op: AwsOperation, fn: () => Promise<T>, after: (result: T) => void) => {
    rec.save({ inflight: { step: name, at: ctx.now() } }, { deferred });
    deferred = true;
    after(await call(op, fn));
  };

  if (rec.state.status === 'rolling-back') return rollbackDevice(ctx, rec, input);
  if (rec.state.status === 'pending') rec.save({ status: 'running', runs: rec.state.runs + 1, startedAt: ctx.now() });

  let failedStep: DeviceStep = 'thing';
  try {
    if (rec.state.inflight) {
      failedStep = rec.state.inflight.step;
      await reconcileInflight(ctx, rec, input);
    }
    if (!rec.state.thingCreated) {
      failedStep = 'thing';
      const thing = thingInput(input);
      await step(
        'thing',
        ONBOARDING_STEPS.thing.operation(thing),
        () => ONBOARDING_STEPS.thing.create(aws, thing),
        (r) => rec.save({ thingCreated: true, thingArn: r.data.thingArn }, { deferred }),
      );
    }
    if (input.thingGroupName && !rec.state.groupAdded) {
      failedStep = 'group';
      const group = { thingName: input.thingName, thingGroupName: input.thingGroupName };
      await step(
        'group',
        ONBOARDING_STEPS.group.operation(group),
        () => ONBOARDING_STEPS.group.create(aws, group),
        () => rec.save({ groupAdded: true }, { deferred }),
      );
    }
    if (!rec.state.certificateId) {
      failedStep = 'certificate';
      const request = { kind: 'csr' as const, csrPem: input.csrPem };
      try {
        await step(
          'certificate',
          ONBOARDING_STEPS.certificate.operation(request),
          () => ONBOARDING_STEPS.certificate.create(aws, request),
          ({ data: c }) =>
            // Recorded the moment it returns, with its PEM, in one write.
            rec.save(
              { certificateId: c.certificateId, certificateArn: c.certificateArn },
              { pem: c.certificatePem, deferred },
            ),
        );
      } catch (err) {
        // No answer (or a server fault): the certificate may exist all the same. Find it so the rollback removes it.
        if (AMBIGUOUS.has(codeOf(err)) && !ctx.isDead()) await adoptCertificate(ctx, rec, input).catch(() => undefined);
        throw err;
      }
    }
    const certificateArn = rec.state.certificateArn!;
    if (!rec.state.policyAttached) {
      failedStep = 'attach-policy';
      const attach = { policyName: ctx.policyName, certificateArn };
      await step(
        'attach-policy',
        ONBOARDING_STEPS['attach-policy'].operation(attach),
        () => ONBOARDING_STEPS['attach-policy'].create(aws, attach),
        () => rec.save({ policyAttached: true }, { deferred }),
      );
    }
    if (!rec.state.principalAttached) {
      failedStep = 'attach-thing';
      const attach = { thingName: input.thingName, certificateArn };
      await step(
        'attach-thing',
        ONBOARDING_STEPS['attach-thing'].operation(attach),
        () => ONBOARDING_STEPS['attach-thing'].create(aws, attach),
        () => rec.save({ principalAttached: true }, { deferred }),
      );
    }
    rec.save({ status: 'done', inflight: undefined, error: undefined, finishedAt: ctx.now() });
  } catch (err) {
    if (ctx.isDead() || err instanceof StoreClosedError) throw err;
    const code = codeOf(err);
    const message = `${STEP_LABELS[failedStep]} failed: ${messageOf(err)}${code === 'throttled' ? ` (still throttled after ${ctx.settings.maxAttempts} attempts)` : ''}`;
    rec.save({ status: 'rolling-back', inflight: undefined, error: { step: failedStep, code, message } });
    await rollbackDevice(ctx, rec, input);
  }
}

const thingInput = (input: DeviceInput) => ({
  thingName: input.thingName,
  attributes: input.attributes,
  ...(input.thingTypeName ? { thingTypeName: input.thingTypeName } : {}),
});
