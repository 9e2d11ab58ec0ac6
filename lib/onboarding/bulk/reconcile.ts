import { orIfNotFound } from '../../aws/call';
import { ONBOARDING_STEP_IDS, type OnboardingStepId } from '../types';
import { certificateHasKey, csrPublicKey } from './csr-match';
import type { DeviceContext, DeviceRecord } from './device';
import { deviceKey } from './store';
import type { DeviceInput } from './types';

/**
 * Resume after a restart. A device's `inflight` names the first step whose call may have been made without its
 * outcome recorded; the steps after it may have been made too (device.ts waits for the first in-flight record of
 * a pass only). Steps run strictly in order, so the resume asks AWS about each step from there on and stops at
 * the first that did not happen: DescribeThing (thing), the certificates created since the call whose public
 * key is the CSR's (certificate: one scan for the whole job, reconcileCertificates, before any device runs),
 * ListAttachedPolicies (policy), ListThingPrincipals (principal). Nothing is made twice.
 */

type FoundCertificate = { certificateId: string; certificateArn: string; certificatePem: string };

/** A bulk device's steps in the order it makes them (and a resume checks them): the table's, without `policy`. */
type OrderedStep = Exclude<OnboardingStepId, 'policy'>;
const STEP_ORDER = ONBOARDING_STEP_IDS.filter((s): s is OrderedStep => s !== 'policy');

/** Steps at or before CreateCertificateFromCsr: a device in flight there may have a certificate to find. */
const UP_TO_CERTIFICATE: ReadonlySet<string> = new Set(STEP_ORDER.slice(0, STEP_ORDER.indexOf('certificate') + 1));

/** Asks AWS which of the calls the last process may have made happened, and records the answers. */
export async function reconcileInflight(ctx: DeviceContext, rec: DeviceRecord, input: DeviceInput): Promise<void> {
  const from = STEP_ORDER.indexOf(rec.state.inflight!.step as OrderedStep);
  if (from >= 0) {
    for (const step of STEP_ORDER.slice(from)) if (!(await happened(ctx, rec, input, step))) break;
  }
  rec.save({ inflight: undefined });
}

/** Whether the step's call happened (recorded, or found in AWS and recorded now). */
async function happened(ctx: DeviceContext, rec: DeviceRecord, input: DeviceInput, step: OrderedStep) {
  const d = rec.state;
  const { aws, call } = ctx;
  switch (step) {
    case 'thing': {
      if (d.thingCreated) return true;
      const thing = await call('DescribeThing', () =>
        orIfNotFound(() => aws.describeThing(input.thingName), undefined),
      );
      if (thing) rec.save({ thingCreated: true, thingArn: thing.arn ?? '' });
      return thing !== undefined;
    }
    case 'group':
      // AddThingToThingGroup is idempotent: it is simply made again, and the steps after it are checked.
      return true;
    case 'certificate':
      // reconcileCertificates looked for it before any device ran, and recorded what it found.
      return d.certificateId !== undefined;
    case 'attach-policy': {
      if (d.policyAttached) return true;
      const arn = d.certificateArn;
      const names = arn
        ? await call('ListAttachedPolicies', () => orIfNotFound(() => aws.listAttachedPolicies(arn), []))
        : [];
      const attached = names.includes(ctx.policyName);
      if (attached) rec.save({ policyAttached: true });
      return attached;
    }
    case 'attach-thing': {
      if (d.principalAttached) return true;
      const principals = await call('ListThingPrincipals', () =>
        orIfNotFound(() => aws.listThingPrincipals(input.thingName), []),
      );
      const attached = d.certificateArn !== undefined && principals.includes(d.certificateArn);
      if (attached) rec.save({ principalAttached: true });
      return attached;
    }
  }
}

/**
 * The certificate CreateCertificateFromCsr made for this CSR, if any: the newest certificates (created since
 * shortly before the call) that no device of any job has recorded, compared by public key.
 */
export async function adoptCertificate(ctx: DeviceContext, rec: DeviceRecord, input: DeviceInput): Promise<void> {
  const d = rec.state;
  const found = await findCertificates(ctx, [
    { index: d.index, csrPem: input.csrPem, since: d.inflight?.at ?? ctx.now() },
  ]);
  const cert = found.get(d.index);
  if (cert)
    rec.save({ certificateId: cert.certificateId, certificateArn: cert.certificateArn }, { pem: cert.certificatePem });
}

/**
 * After a restart, every device whose CreateCertificateFromCsr may have been made unrecorded (in flight at or
 * before that step, no certificate recorded), in one scan of the newest certificates: the ones found are
 * recorded (their in-flight step stays, for reconcileInflight to check the steps after it); the others were never
 * made, and a device in flight at the certificate step itself is then settled (its step runs again).
 */
export async function reconcileCertificates(ctx: Omit<DeviceContext, 'policyName'>, jobId: string): Promise<void> {
  const { store } = ctx;
  const waiting = store
    .states(jobId)
    .filter((d) => d.status === 'running' && d.inflight && UP_TO_CERTIFICATE.has(d.inflight.step) && !d.certificateId);
  if (!waiting.length) return;
  const found = await findCertificates(
    ctx,
    waiting.flatMap((d) => {
      const input = store.input(jobId, d.index);
      return input ? [{ index: d.index, csrPem: input.csrPem, since: d.inflight!.at }] : [];
    }),
  );
  for (const d of waiting) {
    const key = deviceKey(jobId, d.index);
    const cert = found.get(d.index);
    if (cert) {
      store.commit({
        states: [[key, { ...d, certificateId: cert.certificateId, certificateArn: cert.certificateArn }]],
        pems: [[key, cert.certificatePem]],
      });
    } else if (d.inflight!.step === 'certificate') {
      store.putState({ ...d, inflight: undefined });
    }
  }
}

async function findCertificates(
  ctx: Pick<DeviceContext, 'store' | 'aws' | 'call'>,
  wanted: { index: number; csrPem: string; since: number }[],
): Promise<Map<number, FoundCertificate>> {
  const { store, aws, call } = ctx;
  const found = new Map<number, FoundCertificate>();
  if (!wanted.length) return found;
  // AWS's clock and ours may differ a little: look a minute further back than the earliest call.
  const since = Math.min(...wanted.map((w) => w.since)) - 60_000;
  // Certificates some device (of any job, on any instance) has recorded are never another device's.
  const known = await store.knownCertificateIds(since);
  for (const job of store.jobs()) for (const s of store.states(job.id)) if (s.certificateId) known.add(s.certificateId);
  const keys = wanted.map((w) => ({ index: w.index, spki: csrPublicKey(w.csrPem) }));
  let marker: string | undefined;
  do {
    const page = await call('ListCertificates', () =>
      aws.listCertificates({ marker, pageSize: 250, ascending: false }),
    );
    for (const c of page.certificates) {
      if (c.createdAt && c.createdAt.getTime() < since) return found;
      if (!c.id || !c.arn || known.has(c.id)) continue;
      const full = await call('DescribeCertificate', () =>
        orIfNotFound(() => aws.describeCertificate(c.id), undefined),
      );
      if (!full) continue;
      const match = keys.find((k) => !found.has(k.index) && certificateHasKey(full.pem, k.spki));
      if (match) found.set(match.index, { certificateId: full.id, certificateArn: full.arn, certificatePem: full.pem });
      if (found.size === keys.length) return found;
    }
    marker = page.nextMarker;
  } while (marker);
  return found;
}
