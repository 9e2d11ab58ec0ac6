import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { OnboardingAws } from '../onboarding/aws';
import { CreatePolicyCommand, ListThingPrincipalsCommand } from '@aws-sdk/client-iot';
import { sql } from 'kysely';

import { startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { JobRunner } from '../onboarding/bulk/runner';
import { ALLOW_ALL_POLICY, emulatorOps, makeInputs } from '../onboarding/bulk/testing/fixtures';
import { DEFAULT_JOB_SETTINGS, type DeviceInput, type JobRecord } from '../onboarding/bulk/types';
import { bulkJobsRepository, deviceKey, LeaseLostError, progressRow, progressUpdate } from './bulk-jobs';
import type { Database } from './database';
import { DatabaseJobStore } from './job-store';
import { testDrivers } from './testing/drivers';
import { allCertificateIds, thingNamesWithPrefix } from '../../emulator/test/inventory';

const job = (id: string, status: JobRecord['status'], createdAt: number, total = 0): JobRecord => ({
  id,
  name: `job ${id}`,
  createdAt,
  updatedAt: createdAt,
  status,
  policyName: 'p',
  policySource: 'existing',
  total,
  settings: DEFAULT_JOB_SETTINGS,
});

const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';

for (const driver of testDrivers) {
  describe(`bulk jobs on ${driver.name}`, () => {
    let database: Database;
    let second: Database;
    before(async () => {
      database = await driver.open();
      second = await driver.openAnother(database);
    });
    after(async () => {
      await second?.close();
      await database?.close();
    });

    it('stores a job, its devices (input, progress with the call in flight) and certificate PEMs as the job store did', async () => {
      const repo = bulkJobsRepository(database.db);
      const j = job('roundtrip', 'draft', Date.UTC(2024, 0, 2, 3, 4, 5, 678), 2);
      await repo.putJob(j);
      const inputs: DeviceInput[] = [
        { thingName: 'rt-0', attributes: { site: 'a' }, thingGroupName: 'g', csrPem: csr },
        { thingName: 'rt-1', attributes: {}, thingTypeName: 'sensor', csrPem: csr },
      ];
      await repo.commit({
        inputs: inputs.map((input, i) => [deviceKey(j.id, i), input]),
        states: inputs.map((input, i) => [
          deviceKey(j.id, i),
          { jobId: j.id, index: i, thingName: input.thingName, status: 'pending', runs: 0 },
        ]),
      });
      const running = {
        jobId: j.id,
        index: 1,
        thingName: 'rt-1',
        status: 'running' as const,
        runs: 1,
        startedAt: 1_700_000_000_123,
        thingCreated: true,
        thingArn: 'arn:aws:iot:us-east-1:123456789012:thing/rt-1',
        certificateId: 'c'.repeat(64),
        certificateArn: `arn:aws:iot:us-east-1:123456789012:cert/${'c'.repeat(64)}`,
        inflight: { step: 'attach-policy' as const, at: 1_700_000_000_456 },
        rollback: { undone: ['x'], left: [{ what: 'y', message: 'z' }] },
      };
      await repo.commit({ states: [[deviceKey(j.id, 1), running]], pems: [[deviceKey(j.id, 1), 'PEM']] });

      assert.deepEqual(await repo.job(j.id), j);
      assert.deepEqual((await repo.jobs()).map((x) => x.id).includes(j.id), true);
      assert.deepEqual(await repo.state(j.id, 1), running);
      assert.deepEqual(await repo.states(j.id), [
        { jobId: j.id, index: 0, thingName: 'rt-0', status: 'pending', runs: 0 },
        running,
      ]);
      assert.deepEqual(await repo.input(j.id, 0), inputs[0]);
      assert.equal(await repo.certificatePem(j.id, 1), 'PEM');
      assert.equal(await repo.certificatePem(j.id, 0), undefined);
      assert.ok((await repo.knownCertificateIds()).has('c'.repeat(64)));

      // The rollback deletes the certificate: its id and PEM go.
      const { certificateId: _id, certificateArn: _arn, ...rolledBack } = running;
      await repo.commit({
        states: [[deviceKey(j.id, 1), { ...rolledBack, status: 'rolled-back', inflight: undefined }]],
        pems: [[deviceKey(j.id, 1), undefined]],
      });
      assert.equal(await repo.certificatePem(j.id, 1), undefined);
      assert.equal((await repo.state(j.id, 1))?.certificateId, undefined);
    });

    it("before a device's AWS call the store waits for that device's records and the job's, not another device's", async () => {
      const real = bulkJobsRepository(database.db);
      const j = job('per-device-ready', 'running', Date.now(), 2);
      const pending = (index: number) =>
        ({ jobId: j.id, index, thingName: `pd-${index}`, status: 'pending', runs: 0 }) as const;
      await real.commit({
        jobs: [[j.id, j]],
        inputs: [0, 1].map((i) => [deviceKey(j.id, i), { thingName: `pd-${i}`, attributes: {}, csrPem: csr }]),
        states: [0, 1].map((i) => [deviceKey(j.id, i), pending(i)]),
      });
      // Commits hang until released, as on a slow database.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const store = await DatabaseJobStore.open(
        { ...real, commit: async (puts, opts) => gate.then(() => real.commit(puts, opts)) },
        { jobIds: [j.id] },
      );
      const [a, b] = [deviceKey(j.id, 0), deviceKey(j.id, 1)];
      const outcome = (p: Promise<void>) =>
        Promise.race([p.then(() => 'ready'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 100))]);

      store.putState({ ...pending(0), status: 'running', runs: 1, inflight: { step: 'thing', at: Date.now() } });
      assert.equal(await outcome(store.ready(b)), 'ready', 'device B has nothing unwritten');
      assert.equal(await outcome(store.ready(a)), 'waiting', "device A's in-flight record is not committed yet");
      assert.equal(await outcome(store.ready()), 'waiting', 'a job-wide call waits for every record');
      store.putJob({ ...j, updatedAt: j.updatedAt + 1 });
      assert.equal(await outcome(store.ready(b)), 'waiting', "every device's call waits for the job's record");
      release();
      await Promise.all([store.ready(a), store.ready(b), store.ready()]);
      assert.equal((await real.state(j.id, 0))?.inflight?.step, 'thing');
      store.close();
    });

    it('two instances racing to claim running jobs get each job exactly once, and never a draft or finished job', async () => {
      const a = bulkJobsRepository(database.db);
      const b = bulkJobsRepository(second.db);
      const base = Date.UTC(2024, 1, 1);
      const running = Array.from({ length: 24 }, (_, i) =>
        job(`race-${i}`, i % 4 === 0 ? 'cancelling' : 'running', base + i),
      );
      await a.commit({
        jobs: [
          ...running.map((j): [string, JobRecord] => [j.id, j]),
          ['race-draft', job('race-draft', 'draft', base)],
          ['race-done', job('race-done', 'completed', base)],
        ],
      });
      const claimAll = async (repo: typeof a, owner: string) => {
        const got: string[] = [];
        for (let j = await repo.claim(owner, 60_000); j; j = await repo.claim(owner, 60_000)) {
          if (j.id.startsWith('race-')) got.push(j.id);
        }
        return got;
      };
      const [byA, byB] = await Promise.all([claimAll(a, 'instance-a'), claimAll(b, 'instance-b')]);
      const all = [...byA, ...byB].sort();
      assert.deepEqual(all, running.map((j) => j.id).sort(), 'every running job claimed');
      assert.equal(new Set(all).size, all.length, 'no job claimed twice');
      if (driver.name === 'postgres') assert.ok(byA.length > 0 && byB.length > 0, 'both instances got work');
      for (const id of byA) assert.equal((await a.lease(id))?.owner, 'instance-a');
      for (const id of ['race-draft', 'race-done']) assert.equal(await a.lease(id), undefined);
    });

    it('a lease that expires is taken over; the old holder can neither renew it nor write under it', async () => {
      const a = bulkJobsRepository(database.db);
      const b = bulkJobsRepository(second.db);
      const j = job('lease-1', 'running', Date.UTC(2020, 0, 1), 1);
      await a.commit({
        jobs: [[j.id, j]],
        inputs: [[deviceKey(j.id, 0), { thingName: 'lease-dev', attributes: {}, csrPem: csr }]],
      });
      assert.equal((await a.claim('old', 300, { jobId: j.id }))?.id, j.id);
      assert.equal(await b.claim('new', 60_000, { jobId: j.id }), undefined, 'a live lease is not taken');
      assert.equal(await a.renew(j.id, 'old', 300), true);
      await a.putState(
        { jobId: j.id, index: 0, thingName: 'lease-dev', status: 'running', runs: 1 },
        { leaseOwner: 'old' },
      );

      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await b.claim('new', 60_000, { jobId: j.id }))?.id, j.id, 'the expired lease is taken over');
      assert.equal(await a.renew(j.id, 'old', 300), false);
      await assert.rejects(
        a.putState({ jobId: j.id, index: 0, thingName: 'lease-dev', status: 'done', runs: 1 }, { leaseOwner: 'old' }),
        LeaseLostError,
      );
      assert.equal((await b.state(j.id, 0))?.status, 'running', 'the refused write changed nothing');
      assert.equal(await a.release(j.id, 'old'), false);
      assert.equal(await b.release(j.id, 'new'), true);
      assert.equal(await b.lease(j.id), undefined);
    });

    it('a progress write looks each device up by its key, however many devices the database holds', async () => {
      const repo = bulkJobsRepository(database.db);
      const j = job('many-devices', 'running', Date.UTC(2020, 0, 2), 3000);
      await repo.putJob(j);
      for (let from = 0; from < j.total; from += 500) {
        const indexes = Array.from({ length: 500 }, (_, i) => from + i);
        await repo.commit({
          inputs: indexes.map((i) => [deviceKey(j.id, i), { thingName: `many-${i}`, attributes: {}, csrPem: csr }]),
          states: indexes.map((i) => [
            deviceKey(j.id, i),
            { jobId: j.id, index: i, thingName: `many-${i}`, status: 'pending', runs: 0 },
          ]),
        });
      }
      // A batch as the runner writes it: a dozen devices' progress.
      const rows = Array.from({ length: 12 }, (_, k) => {
        const index = 1000 + k * 7;
        const state = { jobId: j.id, index, thingName: `many-${index}`, status: 'running' as const, runs: 1 };
        return progressRow(deviceKey(j.id, index), state, new Map());
      });
      for (const fence of [undefined, { jobId: j.id, owner: 'planner' }]) {
        const plan = await sql<Record<string, string>>`explain ${progressUpdate(rows, fence)}`.execute(database.db);
        const text = plan.rows.map((r) => Object.values(r)[0]).join('\n');
        assert.doesNotMatch(text, /Seq Scan on bulk_job_devices/, text);
        assert.match(text, /Index Scan using bulk_job_devices_pkey on bulk_job_devices/, text);
      }
      const written = await progressUpdate(rows).execute(database.db);
      assert.equal(Number(written.numAffectedRows), rows.length);
      assert.equal((await repo.state(j.id, 1007))?.status, 'running');
    });

    describe('the job runner on the database store, against the local IoT Core', () => {
      let t: TestEmulator;
      let aws: OnboardingAws;
      let fresh: Database;
      const policyName = `db-bulk-${driver.name}`;
      before(async () => {
        fresh = await driver.open();
        t = await startTestEmulator();
        aws = emulatorOps(t.url);
        await t.iot.send(new CreatePolicyCommand({ policyName, policyDocument: ALLOW_ALL_POLICY }));
      });
      after(async () => {
        await t?.close();
        await fresh?.close();
      });

      it('a crash right after CreateCertificateFromCsr returns resumes from the database with every device exactly once', async () => {
        const prefix = `dbjob-${driver.name}`;
        const devices = await makeInputs(prefix, 12);
        const certificatesBefore = new Set(await allCertificateIds(t.iot));
        const repo = bulkJobsRepository(fresh.db);

        let store = await DatabaseJobStore.open(repo);
        let calls = 0;
        let runner: JobRunner;
        // The 5th certificate is made in AWS and then the process "dies" before recording it.
        const crashing: OnboardingAws = {
          ...aws,
          createCertificateFromCsr: async (csrPem) => {
            const r = await aws.createCertificateFromCsr(csrPem);
            if (++calls === 5) runner.kill();
            return r;
          },
        };
        runner = new JobRunner({ store, aws: crashing, beforeCall: (key) => store.ready(key) });
        const created = runner.createJob({
          name: 'db crash',
          policyName,
          policySource: 'existing',
          total: devices.length,
          settings: { concurrency: 4 },
        });
        runner.addDevices(created.id, 0, devices);
        runner.start(created.id);
        await runner.idle(created.id);
        assert.ok(store.isClosed);

        // A new process: everything it knows comes from the database.
        store = await DatabaseJobStore.open(repo);
        // What a device's calls after its first made is deferred (lib/onboarding/bulk/device.ts), so its durable
        // in-flight step may be an earlier one.
        assert.ok(
          store
            .states(created.id)
            .some((d) => ['thing', 'certificate'].includes(d.inflight?.step ?? '') && !d.certificateId),
          'the crash left a certificate call unrecorded',
        );
        runner = new JobRunner({ store, aws, beforeCall: (key) => store.ready(key) });
        assert.deepEqual(runner.resumeAll(), [created.id]);
        await runner.idle(created.id);
        await store.flush();

        const view = runner.view(created.id)!;
        assert.equal(view.job.status, 'completed');
        assert.equal(view.counts.done, devices.length);
        assert.deepEqual(await thingNamesWithPrefix(t.iot, `${prefix}-`), devices.map((d) => d.thingName).sort());
        const newCertificates = (await allCertificateIds(t.iot)).filter((id) => !certificatesBefore.has(id));
        assert.equal(newCertificates.length, devices.length, 'one certificate per device, none orphaned');
        for (const d of devices) {
          const principals = (await t.iot.send(new ListThingPrincipalsCommand({ thingName: d.thingName }))).principals;
          assert.equal(principals?.length, 1, `${d.thingName} has one certificate`);
        }
        // The database agrees with the store the runner used.
        const stored = await repo.states(created.id);
        assert.ok(stored.every((d) => d.status === 'done' && d.certificateId && !d.inflight));
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from bulk_job_devices where job_id = ${created.id} and certificate_pem is not null`.execute(
          fresh.db,
        );
        assert.equal(rows[0]?.n, devices.length);
      });
    });
  });
}
