import { CreatePolicyCommand, ListTargetsForPolicyCommand, ListThingPrincipalsCommand } from '@aws-sdk/client-iot';

import { auditLog } from '../lib/db/audit';
import { bulkJobsRepository } from '../lib/db/bulk-jobs';
import { type Database, openDatabase } from '../lib/db/database';
import { type PostgresServer, startPostgresServer } from '../lib/db/testing/postgres-server';
import { newDeviceRecords, newJobRecord } from '../lib/onboarding/bulk/draft';
import type { DeviceInput } from '../lib/onboarding/bulk/types';
import { generateDeviceKeys } from '../lib/pki/browser-keys';
import type { NextServer } from '../scripts/next-app';
import { expect, test } from './fixtures';
import { startOwnDashboard } from './support/own-dashboard';
import { E2E_ENV, requireEnv } from './stack';
import { allCertificateIds, thingNamesWithPrefix } from '../emulator/test/inventory';

/**
 * Two dashboard servers (`next start`, the same build) on one real PostgreSQL server share bulk jobs. A job of
 * 300 devices is running on one of them; that server is SIGKILLed half-way; the other takes the job over when
 * the lease expires and finishes it: every device exactly once in AWS (things, certificates, attachments),
 * nothing orphaned, and the takeover in the audit trail.
 *
 * The job is put in the database as the bulk page's actions put it (lib/onboarding/bulk/draft.ts), already
 * started, so the first server claims it at start-up, as it would resume a job after a restart.
 */
const DEVICES = 300;
const LEASE_SECONDS = 6;
const _emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);

const startDashboard = (databaseUrl: string) =>
  startOwnDashboard({ DATABASE_URL: databaseUrl, DASHBOARD_JOB_LEASE_SECONDS: String(LEASE_SECONDS) });

async function makeDevices(prefix: string, count: number): Promise<DeviceInput[]> {
  const out: DeviceInput[] = [];
  for (let i = 0; i < count; i++) {
    const thingName = `${prefix}${String(i).padStart(3, '0')}`;
    out.push({ thingName, attributes: {}, csrPem: (await generateDeviceKeys(thingName, 'EC')).csrPem });
  }
  return out;
}

/** The owner string an instance puts in its leases: `<host>#<pid>-<random>`. */
const ownedBy = (owner: string | undefined, server: NextServer) => owner?.includes(`#${server.pid}-`) ?? false;

test.describe('bulk jobs on two dashboard servers sharing one PostgreSQL', () => {
  test.setTimeout(600_000);

  test('the server running a 300-device job is SIGKILLed; the other takes it over and finishes every device exactly once', async ({
    iot,
  }) => {
    const run = Date.now().toString(36);
    const prefix = `takeover-${run}-`;
    const policyName = `${prefix}policy`;
    let postgres: PostgresServer | undefined;
    let database: Database | undefined;
    let a: NextServer | undefined;
    let b: NextServer | undefined;
    try {
      postgres = await startPostgresServer();
      const url = await postgres.createDatabase('dashboard');
      database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
      const repo = bulkJobsRepository(database.db);
      await iot.send(
        new CreatePolicyCommand({
          policyName,
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
          }),
        }),
      );
      const certificatesBefore = new Set(await allCertificateIds(iot));

      // A started job, as the bulk page leaves it: slowed to ~20 devices/s so the kill lands in the middle.
      const devices = await makeDevices(prefix, DEVICES);
      const draft = newJobRecord(
        {
          name: `takeover ${run}`,
          policyName,
          policySource: 'existing',
          total: DEVICES,
          settings: { concurrency: 8, rates: { CreateThing: 20, CreateCertificateFromCsr: 20 } },
          createdBy: 'e2e-operator',
        },
        Date.now(),
      );
      await repo.putJob(draft);
      await repo.commit(newDeviceRecords(draft, 0, devices, new Set()));
      await repo.putJob({ ...draft, status: 'running', startedAt: Date.now(), updatedAt: Date.now() });
      const progress = async () => (await repo.statusCounts([draft.id])).get(draft.id)?.done ?? 0;

      a = await startDashboard(url);
      // Server A claimed the job at start-up, before any page was opened.
      await expect.poll(async () => ownedBy((await repo.lease(draft.id))?.owner, a!), { timeout: 60_000 }).toBe(true);
      b = await startDashboard(url);
      await expect.poll(progress, { timeout: 180_000, intervals: [500] }).toBeGreaterThanOrEqual(60);
      expect(ownedBy((await repo.lease(draft.id))?.owner, a), 'A still runs the job; B only waits').toBe(true);

      a.child.kill('SIGKILL');
      const doneAtKill = await progress();
      expect(doneAtKill, 'the kill must land mid-job').toBeLessThan(DEVICES);
      await a.stop();

      // B takes the job over once A's lease expires, and finishes it.
      await expect
        .poll(async () => ownedBy((await repo.lease(draft.id))?.owner, b!), { timeout: 60_000, intervals: [500] })
        .toBe(true);
      await expect
        .poll(async () => (await repo.job(draft.id))?.status, { timeout: 300_000, intervals: [1_000] })
        .toBe('completed');
      const states = await repo.states(draft.id);
      expect(states.filter((d) => d.status === 'done')).toHaveLength(DEVICES);
      expect(states.filter((d) => d.inflight)).toHaveLength(0);
      expect(await repo.lease(draft.id), 'released when done').toBeUndefined();

      // Exactly once in AWS: 300 things, one certificate each with the policy on it, no other certificate.
      expect(await thingNamesWithPrefix(iot, prefix)).toEqual(devices.map((d) => d.thingName));
      const attached = new Set<string>();
      for (const d of devices) {
        const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName: d.thingName }))).principals;
        expect(principals, d.thingName).toHaveLength(1);
        attached.add(principals![0]!);
      }
      expect(attached.size).toBe(DEVICES);
      const made = [...new Set(await allCertificateIds(iot))].filter((id) => !certificatesBefore.has(id));
      expect(made, 'no certificate made twice or left over').toHaveLength(DEVICES);
      const targets: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
        targets.push(...(page.targets ?? []));
        marker = page.nextMarker;
      } while (marker);
      expect(targets.sort()).toEqual([...attached].sort());

      // The trail says who took the job over from whom, and how it ended.
      const events = (await auditLog(database.db).page({ resource: draft.id })).events.reverse();
      const takeOver = events.find((e) => e.action === 'bulk.take-over');
      expect(takeOver?.details.from).toContain(`#${a.pid}-`);
      expect(takeOver?.details.instance).toContain(`#${b.pid}-`);
      expect(takeOver?.actor.id).toBe('e2e-operator');
      const finished = events.at(-1);
      expect(finished?.action).toBe('bulk.finish');
      expect((finished?.details.counts as Record<string, number> | undefined)?.done).toBe(DEVICES);
    } finally {
      await a?.stop();
      await b?.stop();
      await database?.close();
      await postgres?.stop();
    }
  });
});
