import { csrPublicKey, certificateHasKey } from './csr-match';
import { jobView } from './progress';
import { backoffDelay, RateLimiter, realClock, type Clock } from './rate-limit';
import { deviceKey, type JobStore, StoreClosedError } from './store';
import {
  DEFAULT_JOB_SETTINGS,
  FINISHED,
  STEP_LABELS,
  type DeviceInput,
  type DeviceState,
  type DeviceStep,
  type JobAws,
  type JobOperation,
  type JobRecord,
  type JobSettings,
  type JobView,
} from './types';

/**
 * The bulk onboarding job runner. Per device, in AWS's order: CreateThing (+ AddThingToThingGroup),
 * CreateCertificateFromCsr, AttachPolicy, AttachThingPrincipal; `concurrency` devices at once; every call
 * waits for its operation's rate slot (lib/jobs/rate-limit.ts) and is retried on ThrottlingException with
 * exponential backoff and full jitter (the SDK's own retries are off: lib/aws/bulk.ts). A device that fails
 * is rolled back in reverse order (detach principal, detach policy, deactivate + delete the certificate,
 * delete the thing) and keeps its reason.
 *
 * Resumable: each device's progress is journalled BEFORE each AWS call (`inflight`) and AFTER it (what it
 * made, `inflight` cleared); the certificate id is recorded the moment CreateCertificateFromCsr returns.
 * After a restart, `resumeAll()` picks up every running job; a device whose last record is a call in flight
 * is reconciled by asking AWS about that call only: DescribeThing (thing), the certificates created since the
 * call whose public key is the CSR's (certificate), ListAttachedPolicies (policy), ListThingPrincipals
 * (principal). Nothing is made twice.
 */

export interface RunnerOptions {
  store: JobStore;
  aws: JobAws;
  /** Monotonic clock and timer for rate limits and backoff. */
  clock?: Clock;
  /** Wall clock (ms) for the records. */
  now?: () => number;
  random?: () => number;
}

export class JobError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid_state' | 'invalid' = 'invalid_state',
  ) {
    super(message);
    this.name = 'JobError';
  }
}

interface CodedError {
  code?: unknown;
  message?: unknown;
}

const codeOf = (err: unknown) =>
  typeof (err as CodedError)?.code === 'string' ? ((err as CodedError).code as string) : 'internal';
const messageOf = (err: unknown) =>
  typeof (err as CodedError)?.message === 'string' && (err as CodedError).message
    ? ((err as CodedError).message as string)
    : 'The call failed.';

/** Errors after which the request may or may not have been carried out. */
const AMBIGUOUS = new Set(['unavailable', 'internal']);

export class JobRunner {
  private readonly store: JobStore;
  private readonly aws: JobAws;
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly throttled = new Map<string, number>();
  private dead = false;

  constructor(opts: RunnerOptions) {
    this.store = opts.store;
    this.aws = opts.aws;
    this.clock = opts.clock ?? realClock;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  // ------------------------------------------------------------------ jobs

  /** A new job, not started: its devices are added in batches, then `start`. */
  createJob(input: {
    name: string;
    policyName: string;
    policySource: 'template' | 'existing';
    total: number;
    settings?: Partial<JobSettings>;
  }): JobRecord {
    const t = this.now();
    const settings: JobSettings = {
      ...DEFAULT_JOB_SETTINGS,
      ...input.settings,
      rates: { ...DEFAULT_JOB_SETTINGS.rates, ...input.settings?.rates },
    };
    const job: JobRecord = {
      id: crypto.randomUUID(),
      name: input.name,
      createdAt: t,
      updatedAt: t,
      status: 'draft',
      policyName: input.policyName,
      policySource: input.policySource,
      total: input.total,
      settings,
    };
    this.store.putJob(job);
    return job;
  }

  /** Adds devices (their list positions from `from`) to a draft job, in one transaction. */
  addDevices(jobId: string, from: number, devices: DeviceInput[]): void {
    const job = this.requireJob(jobId);
    if (job.status !== 'draft') throw new JobError('Devices can only be added before the job starts.');
    if (from < 0 || from + devices.length > job.total)
      throw new JobError('More devices than the job was created for.', 'invalid');
    // One thing per name: CreateThing answers success for a repeat, which would give one thing two certificates.
    const names = new Set(this.store.states(jobId).map((d) => d.thingName));
    for (const d of devices) {
      if (names.has(d.thingName)) throw new JobError(`The name ${d.thingName} is in the job twice.`, 'invalid');
      names.add(d.thingName);
    }
    const inputs: [string, DeviceInput][] = [];
    const states: [string, DeviceState][] = [];
    devices.forEach((input, i) => {
      const index = from + i;
      const key = deviceKey(jobId, index);
      inputs.push([key, input]);
      states.push([key, { jobId, index, thingName: input.thingName, status: 'pending', runs: 0 }]);
    });
    this.store.commit({ inputs, states });
  }

  /** Starts a draft job, or resumes a cancelled one (its pending devices run). */
  start(jobId: string): JobRecord {
    const job = this.requireJob(jobId);
    if (job.status === 'draft' && this.store.states(jobId).length !== job.total) {
      throw new JobError(
        `The job has ${this.store.states(jobId).length} of its ${job.total} devices; add the rest first.`,
      );
    }
    if (job.status === 'running') return job;
    if (job.status === 'cancelling') throw new JobError('The job is still cancelling; wait for it to stop.');
    const started = this.saveJob(job, {
      status: 'running',
      startedAt: job.startedAt ?? this.now(),
      finishedAt: undefined,
    });
    this.ensureLoop(jobId);
    return started;
  }

  /** Stops taking new devices; devices already in progress finish (or roll back); the rest stay pending. */
  cancel(jobId: string): JobRecord {
    const job = this.requireJob(jobId);
    if (job.status === 'draft') return this.saveJob(job, { status: 'cancelled', finishedAt: this.now() });
    if (job.status !== 'running') return job;
    const saved = this.saveJob(job, { status: 'cancelling' });
    if (!this.loops.has(jobId)) return this.saveJob(saved, { status: 'cancelled', finishedAt: this.now() });
    return saved;
  }

  /** Runs failed and rolled-back devices again (all of them, or the given list positions). */
  retry(jobId: string, indexes?: number[]): number {
    const job = this.requireJob(jobId);
    if (job.status === 'draft' || job.status === 'cancelling') throw new JobError('The job cannot retry devices now.');
    const wanted = indexes ? new Set(indexes) : undefined;
    let count = 0;
    for (const d of this.store.states(jobId)) {
      if (d.status !== 'failed' && d.status !== 'rolled-back') continue;
      if (wanted && !wanted.has(d.index)) continue;
      const hasLeftovers = Boolean(d.principalAttached || d.policyAttached || d.certificateId || d.thingCreated);
      this.store.putState({
        ...d,
        // Something the last rollback could not remove is removed first, then the device runs again.
        status: hasLeftovers ? 'rolling-back' : 'pending',
        requeue: hasLeftovers || undefined,
        error: undefined,
        rollback: undefined,
        finishedAt: undefined,
      });
      count++;
    }
    if (count) {
      if (job.status !== 'running') this.saveJob(job, { status: 'running', finishedAt: undefined });
      this.ensureLoop(jobId);
    }
    return count;
  }

  /** Picks up every job left running (or cancelling) by a previous process. */
  resumeAll(): string[] {
    const resumed: string[] = [];
    for (const job of this.store.jobs()) {
      if (job.status === 'running' || job.status === 'cancelling') {
        this.ensureLoop(job.id);
        resumed.push(job.id);
      }
    }
    return resumed;
  }

  view(jobId: string): JobView | undefined {
    const job = this.store.job(jobId);
    if (!job) return undefined;
    const view = jobView(job, this.store.states(jobId), this.now());
    const throttled = this.throttled.get(jobId);
    if (throttled) view.throttleRetries = throttled;
    return view;
  }

  jobs(): JobRecord[] {
    return this.store.jobs();
  }

  /** For the bundle zip: every done device's certificate. */
  certificates(
    jobId: string,
  ): { index: number; thingName: string; certificateId: string; certificateArn: string; certificatePem: string }[] {
    this.requireJob(jobId);
    return this.store.states(jobId).flatMap((d) => {
      const pem = this.store.certificatePem(jobId, d.index);
      return d.status === 'done' && d.certificateId && d.certificateArn && pem
        ? [
            {
              index: d.index,
              thingName: d.thingName,
              certificateId: d.certificateId,
              certificateArn: d.certificateArn,
              certificatePem: pem,
            },
          ]
        : [];
    });
  }

  /** Resolves when the job's loop has stopped (finished, cancelled, or the runner was killed). */
  async idle(jobId: string): Promise<void> {
    while (this.loops.has(jobId)) await this.loops.get(jobId);
  }

  /** Stops at once, as a crash would: no further record is written and no further call is made. */
  kill(): void {
    this.dead = true;
    this.store.crash();
  }

  // ------------------------------------------------------------------ the loop

  private requireJob(jobId: string): JobRecord {
    const job = this.store.job(jobId);
    if (!job) throw new JobError('There is no such job.', 'not_found');
    return job;
  }

  private saveJob(job: JobRecord, patch: Partial<JobRecord>): JobRecord {
    const next = { ...job, ...patch, updatedAt: this.now() };
    this.store.putJob(next);
    return next;
  }

  private ensureLoop(jobId: string) {
    if (this.dead) return;
    if (this.loops.has(jobId)) {
      this.again.add(jobId);
      return;
    }
    const loop = this.loop(jobId)
      .catch((err: unknown) => {
        if (!(err instanceof StoreClosedError) && !this.dead) throw err;
      })
      .finally(() => this.loops.delete(jobId));
    this.loops.set(jobId, loop);
  }

  private async loop(jobId: string): Promise<void> {
    for (;;) {
      this.again.delete(jobId);
      await this.pass(jobId);
      if (this.dead) return;
      if (this.again.has(jobId)) continue;
      const job = this.requireJob(jobId);
      const states = this.store.states(jobId);
      const unfinished = states.some((d) => d.status === 'running' || d.status === 'rolling-back');
      if (unfinished) continue;
      if (job.status === 'cancelling') {
        this.saveJob(job, { status: 'cancelled', finishedAt: this.now() });
        return;
      }
      if (job.status === 'running') {
        if (states.some((d) => d.status === 'pending')) continue;
        this.saveJob(job, { status: 'completed', finishedAt: this.now() });
      }
      return;
    }
  }

  /** One pass over the job's unfinished devices with `concurrency` workers. */
  private async pass(jobId: string): Promise<void> {
    const job = this.requireJob(jobId);
    const settings = job.settings;
    const limiter = new RateLimiter(settings.rates, this.clock);
    // Devices a previous process left half-way go first, then the pending ones in list order.
    const order = this.store
      .states(jobId)
      .filter((d) => !FINISHED.has(d.status))
      .sort((a, b) => Number(a.status === 'pending') - Number(b.status === 'pending') || a.index - b.index)
      .map((d) => d.index);
    await this.reconcileCertificates(jobId, (op, fn) => this.call(jobId, op, fn, settings, limiter));
    let cursor = 0;
    const next = (): DeviceState | undefined => {
      while (cursor < order.length && !this.dead) {
        const d = this.store.state(jobId, order[cursor++]!);
        if (!d) continue;
        if (d.status === 'running' || d.status === 'rolling-back') return d;
        if (d.status === 'pending' && this.store.job(jobId)?.status === 'running') return d;
      }
      return undefined;
    };
    const worker = async () => {
      for (let d = next(); d; d = next()) await this.device(d, settings, limiter);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, order.length || 1)) }, worker));
  }

  // ------------------------------------------------------------------ one device

  private async device(initial: DeviceState, settings: JobSettings, limiter: RateLimiter): Promise<void> {
    const { jobId, index } = initial;
    const input = this.store.input(jobId, index);
    if (!input) return;
    let d = initial;
    const save = (patch: Partial<DeviceState>, extra?: { pem?: string | null }) => {
      d = { ...d, ...patch };
      const key = deviceKey(jobId, index);
      if (extra?.pem !== undefined) this.store.commit({ states: [[key, d]], pems: [[key, extra.pem ?? undefined]] });
      else this.store.putState(d);
    };
    const call = <T>(op: JobOperation, fn: () => Promise<T>) => this.call(jobId, op, fn, settings, limiter);

    /** One AWS step: journalled before (in flight) and after (what it made). */
    const step = async <T>(name: DeviceStep, op: JobOperation, fn: () => Promise<T>, after: (result: T) => void) => {
      save({ inflight: { step: name, at: this.now() } });
      const result = await call(op, fn);
      after(result);
    };

    if (d.status === 'rolling-back') return this.rollback(d, input, save, call);
    if (d.status === 'pending') save({ status: 'running', runs: d.runs + 1, startedAt: this.now() });

    let failedStep: DeviceStep = 'thing';
    try {
      if (d.inflight) {
        failedStep = d.inflight.step;
        await this.reconcile(d, input, save, call);
      }
      if (!d.thingCreated) {
        failedStep = 'thing';
        await step(
          'thing',
          'CreateThing',
          () =>
            this.aws.createThing({
              thingName: input.thingName,
              attributes: input.attributes,
              ...(input.thingTypeName ? { thingTypeName: input.thingTypeName } : {}),
            }),
          (r) => save({ thingCreated: true, thingArn: r.thingArn, inflight: undefined }),
        );
      }
      if (input.thingGroupName && !d.groupAdded) {
        failedStep = 'group';
        const group = input.thingGroupName;
        await step(
          'group',
          'AddThingToThingGroup',
          () => this.aws.addThingToThingGroup(input.thingName, group),
          () => save({ groupAdded: true, inflight: undefined }),
        );
      }
      if (!d.certificateId) {
        failedStep = 'certificate';
        try {
          await step(
            'certificate',
            'CreateCertificateFromCsr',
            () => this.aws.createCertificateFromCsr(input.csrPem),
            (c) =>
              // Recorded the moment it returns, with its PEM, in one write.
              save(
                { certificateId: c.certificateId, certificateArn: c.certificateArn, inflight: undefined },
                { pem: c.certificatePem },
              ),
          );
        } catch (err) {
          // No answer (or a server fault): the certificate may exist all the same. Find it so the rollback removes it.
          if (AMBIGUOUS.has(codeOf(err)) && !this.dead)
            await this.adoptCertificate(d, input, save, call).catch(() => undefined);
          throw err;
        }
      }
      const certificateArn = d.certificateArn!;
      if (!d.policyAttached) {
        failedStep = 'attach-policy';
        const policyName = this.requireJob(jobId).policyName;
        await step(
          'attach-policy',
          'AttachPolicy',
          () => this.aws.attachPolicy(policyName, certificateArn),
          () => save({ policyAttached: true, inflight: undefined }),
        );
      }
      if (!d.principalAttached) {
        failedStep = 'attach-thing';
        await step(
          'attach-thing',
          'AttachThingPrincipal',
          () => this.aws.attachThingPrincipal(input.thingName, certificateArn),
          () => save({ principalAttached: true, inflight: undefined }),
        );
      }
      save({ status: 'done', inflight: undefined, error: undefined, finishedAt: this.now() });
    } catch (err) {
      if (this.dead || err instanceof StoreClosedError) throw err;
      const code = codeOf(err);
      const message = `${STEP_LABELS[failedStep]} failed: ${messageOf(err)}${code === 'throttled' ? ` (still throttled after ${settings.maxAttempts} attempts)` : ''}`;
      save({ status: 'rolling-back', inflight: undefined, error: { step: failedStep, code, message } });
      await this.rollback(d, input, save, call);
    }
  }

  /** Asks AWS whether the call the last process had in flight happened, and records the answer. */
  private async reconcile(
    d: DeviceState,
    input: DeviceInput,
    save: (p: Partial<DeviceState>, e?: { pem?: string | null }) => void,
    call: <T>(op: JobOperation, fn: () => Promise<T>) => Promise<T>,
  ) {
    const inflight = d.inflight!;
    switch (inflight.step) {
      case 'thing': {
        const thing = await call('DescribeThing', () => this.aws.describeThing(input.thingName));
        save(thing ? { thingCreated: true, thingArn: thing.thingArn, inflight: undefined } : { inflight: undefined });
        return;
      }
      case 'certificate':
        await this.adoptCertificate(d, input, save, call);
        save({ inflight: undefined });
        return;
      case 'attach-policy': {
        const policyName = this.requireJob(d.jobId).policyName;
        const names = d.certificateArn
          ? await call('ListAttachedPolicies', () => this.aws.listAttachedPolicies(d.certificateArn!))
          : [];
        save({ policyAttached: names.includes(policyName) || undefined, inflight: undefined });
        return;
      }
      case 'attach-thing': {
        const principals = await call('ListThingPrincipals', () => this.aws.listThingPrincipals(input.thingName));
        save({
          principalAttached: (d.certificateArn !== undefined && principals.includes(d.certificateArn)) || undefined,
          inflight: undefined,
        });
        return;
      }
      default:
        // AddThingToThingGroup is idempotent: it is simply made again.
        save({ inflight: undefined });
    }
  }

  /**
   * The certificate CreateCertificateFromCsr made for this CSR, if any: the newest certificates (created since
   * shortly before the call) that no device of this job has recorded, compared by public key.
   */
  private async adoptCertificate(
    d: DeviceState,
    input: DeviceInput,
    save: (p: Partial<DeviceState>, e?: { pem?: string | null }) => void,
    call: <T>(op: JobOperation, fn: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const found = await this.findCertificates(
      d.jobId,
      [{ index: d.index, csrPem: input.csrPem, since: d.inflight?.at ?? this.now() }],
      call,
    );
    const cert = found.get(d.index);
    if (cert)
      save({ certificateId: cert.certificateId, certificateArn: cert.certificateArn }, { pem: cert.certificatePem });
  }

  /**
   * After a restart, every device whose CreateCertificateFromCsr was in flight, in one scan of the newest
   * certificates: the ones found are recorded, the others were never made (their step runs again).
   */
  private async reconcileCertificates(
    jobId: string,
    call: <T>(op: JobOperation, fn: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const waiting = this.store
      .states(jobId)
      .filter((d) => d.status === 'running' && d.inflight?.step === 'certificate' && !d.certificateId);
    if (!waiting.length) return;
    const found = await this.findCertificates(
      jobId,
      waiting.flatMap((d) => {
        const input = this.store.input(jobId, d.index);
        return input ? [{ index: d.index, csrPem: input.csrPem, since: d.inflight!.at }] : [];
      }),
      call,
    );
    for (const d of waiting) {
      const key = deviceKey(jobId, d.index);
      const cert = found.get(d.index);
      if (cert) {
        this.store.commit({
          states: [
            [
              key,
              { ...d, certificateId: cert.certificateId, certificateArn: cert.certificateArn, inflight: undefined },
            ],
          ],
          pems: [[key, cert.certificatePem]],
        });
      } else {
        this.store.putState({ ...d, inflight: undefined });
      }
    }
  }

  private async findCertificates(
    _jobId: string,
    wanted: { index: number; csrPem: string; since: number }[],
    call: <T>(op: JobOperation, fn: () => Promise<T>) => Promise<T>,
  ): Promise<Map<number, { certificateId: string; certificateArn: string; certificatePem: string }>> {
    const found = new Map<number, { certificateId: string; certificateArn: string; certificatePem: string }>();
    if (!wanted.length) return found;
    // AWS's clock and ours may differ a little: look a minute further back than the earliest call.
    const since = Math.min(...wanted.map((w) => w.since)) - 60_000;
    const known = new Set<string>();
    for (const job of this.store.jobs())
      for (const s of this.store.states(job.id)) if (s.certificateId) known.add(s.certificateId);
    const keys = wanted.map((w) => ({ index: w.index, spki: csrPublicKey(w.csrPem) }));
    let marker: string | undefined;
    do {
      const page = await call('ListCertificates', () => this.aws.listRecentCertificates(marker));
      for (const c of page.certificates) {
        if (c.createdAt && c.createdAt.getTime() < since) return found;
        if (known.has(c.certificateId)) continue;
        const full = await call('DescribeCertificate', () => this.aws.describeCertificate(c.certificateId));
        if (!full) continue;
        const match = keys.find((k) => !found.has(k.index) && certificateHasKey(full.certificatePem, k.spki));
        if (match) found.set(match.index, full);
        if (found.size === keys.length) return found;
      }
      marker = page.nextMarker;
    } while (marker);
    return found;
  }

  /** Undoes what the device made, newest first, each undo journalled; what cannot be undone is named. */
  private async rollback(
    initial: DeviceState,
    input: DeviceInput,
    save: (p: Partial<DeviceState>, e?: { pem?: string | null }) => void,
    call: <T>(op: JobOperation, fn: () => Promise<T>) => Promise<T>,
  ): Promise<void> {
    let d = initial;
    const undone = [...(d.rollback?.undone ?? [])];
    const left: { what: string; message: string }[] = [];
    const record = (patch: Partial<DeviceState>, pem?: null) => {
      d = { ...d, ...patch, rollback: { undone: [...undone], left: [...left] } };
      save(d, pem === null ? { pem: null } : undefined);
    };
    const undo = async (
      what: string,
      patch: Partial<DeviceState>,
      calls: [JobOperation, () => Promise<void>][],
      pem?: null,
    ) => {
      record({ inflight: { step: 'rollback', at: this.now() } });
      try {
        for (const [op, fn] of calls) await call(op, fn);
        undone.push(what);
        record({ ...patch, inflight: undefined }, pem);
      } catch (err) {
        if (this.dead || err instanceof StoreClosedError) throw err;
        left.push({ what, message: messageOf(err) });
        record({ inflight: undefined });
      }
    };
    const policyName = this.requireJob(d.jobId).policyName;
    const arn = d.certificateArn;
    if (d.principalAttached && arn) {
      await undo('certificate detached from the thing', { principalAttached: undefined }, [
        ['DetachThingPrincipal', () => this.aws.detachThingPrincipal(input.thingName, arn)],
      ]);
    }
    if (d.policyAttached && arn) {
      await undo(`policy ${policyName} detached`, { policyAttached: undefined }, [
        ['DetachPolicy', () => this.aws.detachPolicy(policyName, arn)],
      ]);
    }
    // AWS's order: a certificate is deleted only once nothing is attached to it.
    if (d.certificateId && left.length === 0) {
      const id = d.certificateId;
      await undo(
        `certificate ${id.slice(0, 12)}…`,
        { certificateId: undefined, certificateArn: undefined },
        [
          ['UpdateCertificate', () => this.aws.deactivateCertificate(id)],
          ['DeleteCertificate', () => this.aws.deleteCertificate(id)],
        ],
        null,
      );
    } else if (d.certificateId) {
      left.push({
        what: `certificate ${d.certificateId.slice(0, 12)}…`,
        message: 'still attached, so it was not deleted',
      });
    }
    if (d.thingCreated && !d.principalAttached) {
      await undo(`thing ${input.thingName}`, { thingCreated: undefined, thingArn: undefined, groupAdded: undefined }, [
        ['DeleteThing', () => this.aws.deleteThing(input.thingName)],
      ]);
    } else if (d.thingCreated) {
      left.push({
        what: `thing ${input.thingName}`,
        message: 'a certificate is still attached, so it was not deleted',
      });
    }
    const requeue = d.requeue;
    if (requeue && left.length === 0) {
      record({ status: 'pending', requeue: undefined, finishedAt: undefined });
      save({ rollback: undefined });
      return;
    }
    record({ status: left.length ? 'failed' : 'rolled-back', finishedAt: this.now(), requeue: undefined });
  }

  /** One AWS call: waits for its rate slot; ThrottlingException (and a brief outage) is retried with backoff. */
  private async call<T>(
    jobId: string,
    op: JobOperation,
    fn: () => Promise<T>,
    settings: JobSettings,
    limiter: RateLimiter,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire(op);
      if (this.dead) throw new StoreClosedError();
      try {
        return await fn();
      } catch (err) {
        if (this.dead) throw new StoreClosedError();
        const code = codeOf(err);
        // A certificate request that got no answer may have been made: never sent twice blindly.
        const retryable = code === 'throttled' || (code === 'unavailable' && op !== 'CreateCertificateFromCsr');
        if (!retryable || attempt >= settings.maxAttempts) throw err;
        if (code === 'throttled') this.throttled.set(jobId, (this.throttled.get(jobId) ?? 0) + 1);
        await this.clock.sleep(backoffDelay(attempt - 1, settings.baseDelayMs, settings.maxDelayMs, this.random));
      }
    }
  }
}
