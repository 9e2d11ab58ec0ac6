import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  CreatePolicyCommand,
  CreateThingGroupCommand,
  DescribeThingCommand,
  type IoTClient,
  ListAttachedPoliciesCommand,
  ListThingPrincipalsCommand,
  ListThingsInThingGroupCommand,
} from '@aws-sdk/client-iot';

import { startTestEmulator, type TestEmulator } from '../../../emulator/test/harness';
import { bulkJobsRepository } from '../../db/bulk-jobs';
import { type Database, openDatabase } from '../../db/database';
import { DatabaseJobStore } from '../../db/job-store';
import { pgliteInDirectory, testDrivers } from '../../db/testing/drivers';
import { JobRunner } from './runner';
import { ALLOW_ALL_POLICY, emulatorOps, makeInputs } from './testing/fixtures';
import type { OnboardingAws } from '../aws';
import type { DeviceInput, JobSettings } from './types';
import { allCertificateIds, thingNamesWithPrefix } from '../../../emulator/test/inventory';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-test-'));
const pglite = testDrivers.find((d) => d.name === 'pglite')!;

/** The dashboard's store: the database (embedded PGlite here), each AWS call made once the records before it are. */
async function openStore(database: Database): Promise<DatabaseJobStore> {
  return DatabaseJobStore.open(bulkJobsRepository(database.db));
}
const runnerOn = (store: DatabaseJobStore, aws: OnboardingAws) =>
  new JobRunner({ store, aws, beforeCall: (key) => store.ready(key) });

/** Every thing has exactly one certificate, which has the policy, and no certificate is left over. */
async function assertFleetExact(iot: IoTClient, prefix: string, expected: string[], policyName: string) {
  assert.deepEqual(
    await thingNamesWithPrefix(iot, prefix),
    [...expected].sort(),
    'the things in AWS are exactly the done devices',
  );
  const certs = new Set<string>();
  for (const name of expected) {
    const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName: name }))).principals ?? [];
    assert.equal(principals.length, 1, `${name} has one certificate`);
    certs.add(principals[0]!);
    const policies = (await iot.send(new ListAttachedPoliciesCommand({ target: principals[0]! }))).policies ?? [];
    assert.deepEqual(
      policies.map((p) => p.policyName),
      [policyName],
    );
  }
  assert.equal(certs.size, expected.length, 'no certificate is shared');
}

describe('bulk job runner against the local IoT Core', () => {
  let t: TestEmulator;
  let aws: OnboardingAws;
  let database: Database;
  const policyName = 'bulk-test-policy';
  let inputs: DeviceInput[];

  before(async () => {
    database = await pglite.open();
    t = await startTestEmulator();
    aws = emulatorOps(t.url);
    await t.iot.send(new CreatePolicyCommand({ policyName, policyDocument: ALLOW_ALL_POLICY }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'bulk-test-group' }));
    inputs = await makeInputs('pool', 60);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const renamed = (prefix: string, from: number, count: number, extra: Partial<DeviceInput> = {}) =>
    inputs.slice(from, from + count).map((d, i) => ({ ...d, thingName: `${prefix}-${i}`, ...extra }));

  const newJob = (runner: JobRunner, devices: DeviceInput[], settings?: Partial<JobSettings>) => {
    const job = runner.createJob({
      name: 'test',
      policyName,
      policySource: 'existing',
      total: devices.length,
      settings,
    });
    runner.addDevices(job.id, 0, devices);
    return job;
  };

  /** A new runner resumes the job from the database: every device done, with exactly one certificate each. */
  const resumeExactlyOnce = async (
    store: DatabaseJobStore,
    jobId: string,
    devices: DeviceInput[],
    prefix: string,
    certificatesBefore: Set<string>,
  ) => {
    const runner = runnerOn(store, aws);
    assert.deepEqual(runner.resumeAll(), [jobId]);
    await runner.idle(jobId);
    assert.equal(runner.view(jobId)!.counts.done, devices.length);
    await assertFleetExact(
      t.iot,
      prefix,
      devices.map((d) => d.thingName),
      policyName,
    );
    const made = (await allCertificateIds(t.iot)).filter((id) => !certificatesBefore.has(id));
    assert.equal(
      made.length,
      devices.length,
      'one certificate per device: the unrecorded ones were found, not made again',
    );
    await store.flush();
    store.close();
  };

  it('onboards every device: thing (in its group), certificate from the CSR, policy, principal', async () => {
    const store = await openStore(database);
    const runner = runnerOn(store, aws);
    const devices = renamed('basic', 0, 8, { thingGroupName: 'bulk-test-group' });
    const job = newJob(runner, devices);
    runner.start(job.id);
    await runner.idle(job.id);
    const view = runner.view(job.id)!;
    assert.equal(view.job.status, 'completed');
    assert.equal(view.counts.done, 8);
    await assertFleetExact(
      t.iot,
      'basic-',
      devices.map((d) => d.thingName),
      policyName,
    );
    const members =
      (await t.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'bulk-test-group' }))).things ?? [];
    assert.equal(members.filter((m) => m.startsWith('basic-')).length, 8);
    const certs = runner.certificates(job.id);
    assert.equal(certs.length, 8);
    assert.match(certs[0]!.certificatePem, /BEGIN CERTIFICATE/);
  });

  it('a throttling storm and a failure at each step end with every device done or rolled back, with its reason', async () => {
    const storm = [
      'CreateThing',
      'CreateCertificateFromCsr',
      'AttachPolicy',
      'AttachThingPrincipal',
      'DeleteThing',
      'DeleteCertificate',
    ];
    for (const operation of storm)
      await t.admin('POST', 'faults', { operation, error: 'ThrottlingException', probability: 0.3 });
    for (const operation of ['CreateThing', 'CreateCertificateFromCsr', 'AttachPolicy', 'AttachThingPrincipal']) {
      await t.admin('POST', 'faults', {
        operation,
        error: 'InvalidRequestException',
        count: 1,
        message: `injected ${operation} failure`,
      });
    }
    try {
      const store = await openStore(database);
      const runner = runnerOn(store, aws);
      const devices = renamed('storm', 8, 16);
      const job = newJob(runner, devices, { baseDelayMs: 10, maxDelayMs: 200, concurrency: 6 });
      runner.start(job.id);
      await runner.idle(job.id);
      const view = runner.view(job.id)!;
      assert.equal(view.job.status, 'completed');
      assert.ok((view.throttleRetries ?? 0) > 0, 'throttled calls were retried');
      const rolledBack = view.devices.filter((d) => d.status === 'rolled-back');
      assert.equal(view.counts.done + view.counts['rolled-back'], 16, JSON.stringify(view.counts));
      assert.deepEqual(rolledBack.map((d) => d.step).sort(), ['attach-policy', 'attach-thing', 'certificate', 'thing']);
      for (const d of rolledBack) assert.match(d.reason!, /injected .* failure/);
      const done = view.devices.filter((d) => d.status === 'done').map((d) => d.thingName);
      await assertFleetExact(t.iot, 'storm-', done, policyName);
      // No half-made device: the rolled-back things are gone, and so are their certificates.
      for (const d of rolledBack) {
        await assert.rejects(t.iot.send(new DescribeThingCommand({ thingName: d.thingName })), {
          name: 'ResourceNotFoundException',
        });
      }
    } finally {
      await t.admin('DELETE', 'faults');
    }
  });

  it('a crash right after CreateCertificateFromCsr returns (before the id is recorded) resumes without a second certificate', async () => {
    const before = new Set(await allCertificateIds(t.iot));
    const devices = renamed('crash', 24, 12);
    let store = await openStore(database);
    let calls = 0;
    let runner: JobRunner;
    // The 5th certificate is made in AWS and then the process "dies" before recording it.
    const crashing: OnboardingAws = {
      ...aws,
      createCertificateFromCsr: async (csr) => {
        const r = await aws.createCertificateFromCsr(csr);
        if (++calls === 5) runner.kill();
        return r;
      },
    };
    runner = runnerOn(store, crashing);
    const job = newJob(runner, devices, { concurrency: 4 });
    runner.start(job.id);
    await runner.idle(job.id);
    assert.ok(store.isClosed);

    // A new process: everything it knows comes from the database.
    store = await openStore(database);
    // The records after a device's first call are not waited for, so its durable in-flight step may be earlier.
    const inflight = store.states(job.id).filter((d) => d.inflight);
    assert.ok(
      inflight.some((d) => ['thing', 'certificate'].includes(d.inflight!.step) && !d.certificateId),
      'the crash left a certificate call unrecorded',
    );
    await resumeExactlyOnce(store, job.id, devices, 'crash-', before);
  });

  it("a crash that loses every record after the devices' first calls: the resume asks AWS about each later step and makes nothing twice", async () => {
    const before = new Set(await allCertificateIds(t.iot));
    const devices = renamed('deferred', 36, 8);
    // Only a device's first record is waited for; the rest wait in memory for its end (deferred), and a slow
    // database (each commit 150 ms) keeps even those ends from landing, so the crash drops records of calls made.
    const repo = bulkJobsRepository(database.db);
    const slowRepo = {
      ...repo,
      commit: async (...args: Parameters<typeof repo.commit>) => {
        await new Promise((r) => setTimeout(r, 150));
        return repo.commit(...args);
      },
    };
    let store = await DatabaseJobStore.open(slowRepo);
    let attached = 0;
    let runner: JobRunner;
    const crashing: OnboardingAws = {
      ...aws,
      attachPolicy: async (...args) => {
        const r = await aws.attachPolicy(...args);
        if (++attached === 4) runner.kill();
        return r;
      },
    };
    runner = runnerOn(store, crashing);
    const job = newJob(runner, devices, { concurrency: 4 });
    await store.flush();
    runner.start(job.id);
    await runner.idle(job.id);
    // A dead process writes nothing more: the commit the crash caught half-way lands (or not) before the new
    // process reads the database, never after.
    await store.settled();

    store = await openStore(database);
    const recorded = store.states(job.id).filter((d) => d.certificateId).length;
    const inAws = (await allCertificateIds(t.iot)).filter((id) => !before.has(id)).length;
    assert.ok(inAws >= 4, 'four certificates had their policy attached before the crash');
    assert.ok(recorded < inAws, `the crash lost certificates' records (${recorded} recorded, ${inAws} in AWS)`);
    assert.ok(
      store.states(job.id).some((d) => d.inflight?.step === 'thing' && !d.certificateId),
      'some device is recorded as in flight at CreateThing only',
    );

    await resumeExactlyOnce(store, job.id, devices, 'deferred-', before);
  });

  it('SIGKILL of the runner process mid-job: a new runner on the same database finishes every device exactly once', async () => {
    // The embedded database in a directory, as `npm start` keeps it: one process at a time opens it.
    const dir = tmp();
    const dataDir = path.join(dir, 'db');
    const before = new Set(await allCertificateIds(t.iot));
    const devices = await makeInputs('killed', 80);
    await pgliteInDirectory(dataDir);
    let onDisk = await openDatabase({ driver: 'pglite', dataDir });
    let store = await openStore(onDisk);
    let runner = runnerOn(store, aws);
    // Slow enough to be caught half-way: 40 certificates per second.
    const job = newJob(runner, devices, { concurrency: 8, rates: { CreateCertificateFromCsr: 40, AttachPolicy: 40 } });
    await store.flush();
    await onDisk.close();

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=react-server',
        path.join(import.meta.dirname, 'testing/runner-child.ts'),
        dataDir,
        job.id,
        t.url,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Kill it once a good part of the fleet exists in AWS.
    for (let i = 0; i < 600; i++) {
      const n = (await thingNamesWithPrefix(t.iot, 'killed-')).length;
      if (n >= 25) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', err);

    onDisk = await openDatabase({ driver: 'pglite', dataDir });
    try {
      store = await openStore(onDisk);
      const half = store.states(job.id);
      const doneBefore = half.filter((d) => d.status === 'done').length;
      assert.ok(doneBefore > 0 && doneBefore < 80, `killed mid-job (${doneBefore} done)`);
      runner = runnerOn(store, aws);
      runner.resumeAll();
      await runner.idle(job.id);
      await store.flush();
      const view = runner.view(job.id)!;
      assert.equal(view.job.status, 'completed');
      assert.equal(view.counts.done, 80);
      await assertFleetExact(
        t.iot,
        'killed-',
        devices.map((d) => d.thingName),
        policyName,
      );
      const made = (await allCertificateIds(t.iot)).filter((id) => !before.has(id));
      assert.equal(made.length, 80, 'no certificate made twice');
    } finally {
      await onDisk.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancel leaves the rest pending; start resumes them', async () => {
    const store = await openStore(database);
    const runner = runnerOn(store, aws);
    const devices = renamed('cancel', 36, 20);
    const job = newJob(runner, devices, { concurrency: 2, rates: { CreateThing: 10 } });
    runner.start(job.id);
    // Cancel once some devices are done (however fast this machine is), well before all twenty are.
    for (let i = 0; i < 200 && (runner.view(job.id)?.counts.done ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    runner.cancel(job.id);
    await runner.idle(job.id);
    let view = runner.view(job.id)!;
    assert.equal(view.job.status, 'cancelled');
    assert.equal(view.counts.running, 0);
    assert.ok(view.counts.pending > 0 && view.counts.done > 0, JSON.stringify(view.counts));
    assert.equal(view.counts.done + view.counts.pending, 20);
    runner.start(job.id);
    await runner.idle(job.id);
    view = runner.view(job.id)!;
    assert.equal(view.job.status, 'completed');
    assert.equal(view.counts.done, 20);
  });

  it('a device whose rollback could not remove everything is failed with what is left; retry cleans up and onboards it', async () => {
    await t.admin('POST', 'faults', { operation: 'AttachThingPrincipal', error: 'InvalidRequestException', count: 1 });
    await t.admin('POST', 'faults', { operation: 'DeleteThing', error: 'InternalFailureException', count: 1 });
    try {
      const store = await openStore(database);
      const runner = runnerOn(store, aws);
      const devices = renamed('retry', 56, 1);
      const job = newJob(runner, devices);
      runner.start(job.id);
      await runner.idle(job.id);
      let view = runner.view(job.id)!;
      assert.equal(view.devices[0]!.status, 'failed');
      assert.match(view.devices[0]!.reason!, /Not removed \(delete by hand\): thing retry-0/);
      assert.equal(runner.retry(job.id), 1);
      await runner.idle(job.id);
      view = runner.view(job.id)!;
      assert.equal(view.devices[0]!.status, 'done');
      await assertFleetExact(t.iot, 'retry-', ['retry-0'], policyName);
    } finally {
      await t.admin('DELETE', 'faults');
    }
  });
});
