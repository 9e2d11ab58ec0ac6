import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  CreatePolicyCommand,
  type IoTClient,
  ListTargetsForPolicyCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';

import { startTestEmulator, type TestEmulator } from '../../../emulator/test/harness';
import { auditLog } from '../../db/audit';
import { type BulkJobsRepository, bulkJobsRepository } from '../../db/bulk-jobs';
import type { Database } from '../../db/database';
import { testDrivers } from '../../db/testing/drivers';
import type { OnboardingAws } from '../aws';
import { bulkJobAudit } from './audit';
import { BUSY_MESSAGE, BulkJobs } from './jobs';
import { ALLOW_ALL_POLICY, emulatorOps, makeInputs } from './testing/fixtures';
import type { DeviceInput, JobSettings } from './types';
import { allCertificateIds, thingNamesWithPrefix } from '../../../emulator/test/inventory';

/**
 * Two dashboard instances (two BulkJobs on two connections to one database) sharing bulk jobs through leases,
 * against the local IoT Core, on embedded PGlite and on a real PostgreSQL server: the instance running a job
 * dies or stalls and the other finishes it with every device exactly once; a cancel asked on one instance stops
 * the job where it runs, and the other resumes it.
 */

const LEASE_MS = 2_000;
const by = { id: 'user-ada', name: 'ada', role: 'operator', clientAddress: '192.0.2.7', userAgent: 'test' };

/** Every device is in AWS exactly once: one thing, one certificate attached to it, the policy on it; no other certificate. */
async function assertExactlyOnce(
  iot: IoTClient,
  devices: DeviceInput[],
  certificatesBefore: Set<string>,
  policyName: string,
) {
  const prefix = devices[0]!.thingName.replace(/\d+$/, '');
  assert.deepEqual(await thingNamesWithPrefix(iot, prefix), devices.map((d) => d.thingName).sort());
  const attached = new Set<string>();
  for (const d of devices) {
    const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName: d.thingName }))).principals ?? [];
    assert.equal(principals.length, 1, `${d.thingName} has one certificate`);
    attached.add(principals[0]!);
  }
  const made = [...new Set(await allCertificateIds(iot))].filter((id) => !certificatesBefore.has(id));
  assert.equal(made.length, devices.length, 'one certificate per device, none orphaned');
  const targets = (await iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250 }))).targets ?? [];
  assert.equal(targets.filter((t) => attached.has(t)).length, devices.length, 'the policy on every certificate');
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const driver of testDrivers) {
  describe(`bulk jobs shared by two instances on ${driver.name}`, () => {
    let t: TestEmulator;
    let aws: OnboardingAws;
    let database: Database;
    let second: Database;
    const policyName = `shared-${driver.name}`;
    const instances: BulkJobs[] = [];

    before(async () => {
      database = await driver.open();
      second = await driver.openAnother(database);
      t = await startTestEmulator();
      aws = emulatorOps(t.url);
      await t.iot.send(new CreatePolicyCommand({ policyName, policyDocument: ALLOW_ALL_POLICY }));
    });
    after(async () => {
      for (const i of instances) i.crash();
      await t?.close();
      await second?.close();
      await database?.close();
    });

    const instance = (db: Database, owner: string, repo: BulkJobsRepository = bulkJobsRepository(db.db)) => {
      const jobs = new BulkJobs({ repo, aws, owner, leaseMs: LEASE_MS, record: bulkJobAudit(db.db), log: () => {} });
      instances.push(jobs);
      return jobs;
    };

    const newJob = async (jobs: BulkJobs, devices: DeviceInput[], settings: Partial<JobSettings>) => {
      const job = await jobs.createJob({
        name: `job ${devices[0]!.thingName}`,
        policyName,
        policySource: 'existing',
        total: devices.length,
        settings,
        createdBy: by.id,
      });
      await jobs.addDevices(job.id, 0, devices);
      return job;
    };

    const slow = { concurrency: 4, rates: { CreateThing: 15, CreateCertificateFromCsr: 15 } };

    /** Two instances, one on each connection; a 36-device job started on the first and a third done. */
    const runningOnA = async (prefix: string) => {
      const devices = await makeInputs(`${prefix}-${driver.name}`, 36);
      const certificatesBefore = new Set(await allCertificateIds(t.iot));
      const a = instance(database, 'instance-a');
      const b = instance(second, 'instance-b');
      await a.start();
      await b.start();
      const job = await newJob(a, devices, slow);
      await a.startJob(job.id, by);
      await until('a third of the job is done', async () => ((await a.view(job.id))?.counts.done ?? 0) >= 12);
      return { devices, certificatesBefore, a, b, job };
    };

    it('the instance running a job dies; the other takes it over when the lease expires and finishes every device exactly once', async () => {
      const { devices, certificatesBefore, a, b, job } = await runningOnA('died');
      assert.ok(a.holds(job.id) && !b.holds(job.id));
      a.crash();
      assert.ok(((await b.view(job.id))?.counts.done ?? 0) < devices.length, 'killed mid-job');

      await until('the other instance took the job over', () => b.holds(job.id), 30_000);
      await b.idle(job.id);
      const view = (await b.view(job.id))!;
      assert.equal(view.job.status, 'completed');
      assert.equal(view.counts.done, devices.length);
      await assertExactlyOnce(t.iot, devices, certificatesBefore, policyName);
      assert.equal(await bulkJobsRepository(database.db).lease(job.id), undefined, 'released when done');

      const events = (await auditLog(database.db).page({ resource: job.id })).events.reverse();
      assert.deepEqual(
        events.map((e) => e.action),
        ['bulk.start', 'bulk.take-over', 'bulk.finish'],
      );
      const [started, takenOver, finished] = events;
      assert.equal(started!.actor.id, by.id);
      assert.equal(started!.clientAddress, '192.0.2.7');
      assert.equal(takenOver!.actor.id, by.id, "the job's own events name the user who started it");
      assert.deepEqual(takenOver!.details.from, 'instance-a');
      assert.deepEqual(takenOver!.details.instance, 'instance-b');
      assert.equal(finished!.outcome, 'success');
      assert.equal((finished!.details.counts as Record<string, number>).done, devices.length);
      b.crash();
    });

    it('an instance shut down gracefully (SIGTERM) commits, releases the lease at once, and the other carries on without waiting for it to expire', async () => {
      const { devices, certificatesBefore, a, b, job } = await runningOnA('stopped');

      await a.stop();
      const stoppedAt = Date.now();
      assert.ok(!a.holds(job.id));
      assert.equal(await bulkJobsRepository(database.db).lease(job.id), undefined, 'the lease is released at once');
      const checkpoint = (await b.view(job.id))!;
      assert.equal(checkpoint.job.status, 'running', 'left to be resumed, not failed or cancelled');
      assert.ok(checkpoint.counts.done >= 12 && checkpoint.counts.done < devices.length, 'what was done is recorded');

      await until('the other instance took the job over', () => b.holds(job.id), 30_000);
      assert.ok(Date.now() - stoppedAt < LEASE_MS, 'taken over at its next scan, before the lease could have expired');
      await b.idle(job.id);
      assert.equal((await b.view(job.id))!.job.status, 'completed');
      await assertExactlyOnce(t.iot, devices, certificatesBefore, policyName);
      b.crash();
    });

    it('an instance that can no longer renew its lease stops calling AWS; the other finishes the job exactly once', async () => {
      const devices = await makeInputs(`stalled-${driver.name}`, 30);
      const certificatesBefore = new Set(await allCertificateIds(t.iot));
      const repoA = bulkJobsRepository(database.db);
      let stalled = false;
      // The database stops answering this instance's lease requests (its writes still go through, so only the
      // lease timing, by its own clock, and the fenced writes stop it).
      const stalling: BulkJobsRepository = {
        ...repoA,
        renewLease: (...args) => (stalled ? new Promise(() => {}) : repoA.renewLease(...args)),
        take: (...args) => (stalled ? new Promise(() => {}) : repoA.take(...args)),
      };
      const a = instance(database, 'instance-a2', stalling);
      const b = instance(second, 'instance-b2');
      await a.start();
      await b.start();
      const job = await newJob(a, devices, slow);
      await a.startJob(job.id, by);
      await until('some devices are done', async () => ((await a.view(job.id))?.counts.done ?? 0) >= 8);
      stalled = true;
      await until('the other instance took the job over', () => b.holds(job.id), 30_000);
      await b.idle(job.id);
      assert.equal(a.holds(job.id), false, 'the stalled instance gave the job up');
      const view = (await b.view(job.id))!;
      assert.equal(view.counts.done, devices.length);
      await assertExactlyOnce(t.iot, devices, certificatesBefore, policyName);
      a.crash();
      b.crash();
    });

    it('a cancel asked on the other instance stops the job where it runs; that instance then resumes it', async () => {
      const devices = await makeInputs(`cancel-${driver.name}`, 24);
      const a = instance(database, 'instance-a3');
      const b = instance(second, 'instance-b3');
      await a.start();
      await b.start();
      const job = await newJob(a, devices, { concurrency: 2, rates: { CreateThing: 6 } });
      await a.startJob(job.id, by);
      await until('some devices are done', async () => ((await a.view(job.id))?.counts.done ?? 0) >= 2);
      await assert.rejects(b.retry(job.id, by), { message: BUSY_MESSAGE });
      assert.equal((await b.cancel(job.id, by)).status, 'cancelling');
      await a.idle(job.id);
      let view = (await b.view(job.id))!;
      assert.equal(view.job.status, 'cancelled');
      assert.ok(view.counts.pending > 0 && view.counts.done > 0, JSON.stringify(view.counts));

      await b.startJob(job.id, by);
      assert.ok(b.holds(job.id));
      await b.idle(job.id);
      view = (await a.view(job.id))!;
      assert.equal(view.job.status, 'completed');
      assert.equal(view.counts.done, devices.length);
      const actions = (await auditLog(database.db).page({ resource: job.id })).events.map((e) => e.action).reverse();
      assert.deepEqual(actions, ['bulk.start', 'bulk.cancel', 'bulk.finish', 'bulk.resume', 'bulk.finish']);
      a.crash();
      b.crash();
    });
  });
}
