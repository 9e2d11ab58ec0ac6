import { orIfNotFound } from '../../aws/call';
import { certificateHasKey, csrPublicKey } from './csr-match';
import type { DeviceContext, DeviceRecord } from './device';
import { deviceKey } from './store';
import type { DeviceInput } from './types';

/**
 * Resume after a restart: a device whose last record is a call in flight is reconciled by asking AWS about
 * that call only: DescribeThing (thing), the certificates created since the call whose public key is the
 * CSR's (certificate), ListAttachedPolicies (policy), ListThingPrincipals (principal). Nothing is made twice.
 */

type FoundCertificate = { certificateId: string; certificateArn: string; certificatePem: string };

/** Asks AWS whether the call the last process had in flight happened, and records the answer. */
export async function reconcileInflight(ctx: DeviceContext, rec: DeviceRecord, input: DeviceInput): Promise<void> {
  const d = rec.state;
  const { aws, call } = ctx;
  switch (d.inflight!.step) {
    case 'thing': {
      const thing = await call('DescribeThing', () =>
        orIfNotFound(() => aws.describeThing(input.thingName), undefined),
      );
      rec.save(
        thing ? { thingCreated: true, thingArn: thing.arn ?? '', inflight: undefined } : { inflight: undefined },
      );
      return;
    }
    case 'certificate':
      await adoptCertificate(ctx, rec, input);
      rec.save({ inflight: undefined });
      return;
    case 'attach-policy': {
      const arn = d.certificateArn;
      const names = arn
        ? await call('ListAttachedPolicies', () => orIfNotFound(() => aws.listAttachedPolicies(arn), []))
        : [];
      rec.save({ policyAttached: names.includes(ctx.policyName) || undefined, inflight: undefined });
      return;
    }
    case 'attach-thing': {
      const principals = await call('ListThingPrincipals', () =>
        orIfNotFound(() => aws.listThingPrincipals(input.thingName), []),
      );
      rec.save({
        principalAttached: (d.certificateArn !== undefined && principals.includes(d.certificateArn)) || undefined,
        inflight: undefined,
      });
      return;
    }
    default:
      // AddThingToThingGroup is idempotent: it is simply made again.
      rec.save({ inflight: undefined });
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
 * After a restart, every device whose CreateCertificateFromCsr was in flight, in one scan of the newest
 * certificates: the ones found are recorded, the others were never made (their step runs again).
 */
export async function reconcileCertificates(ctx: Omit<DeviceContext, 'policyName'>, jobId: string): Promise<void> {
  const { store } = ctx;
  const waiting = store
    .states(jobId)
    .filter((d) => d.status === 'running' && d.inflight?.step === 'certificate' && !d.certificateId);
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
        states: [
          [key, { ...d, certificateId: cert.certificateId, certificateArn: cert.certificateArn, inflight: undefined }],
        ],
        pems: [[key, cert.certificatePem]],
      });
    } else {
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
