/**
 * Audit trail and sign-in benchmark, on the embedded database (PGlite in a data directory, as `npm start`
 * runs it) and on a real PostgreSQL server started for the run (durability on, as deployed):
 * - the Audit page's queries with 100,000 events: the first page (50 newest), a filtered page (user + action
 *   + outcome + 30 days), a thing's history (resource filter) and the next page after a cursor; each the p50
 *   of the repository call, i.e. the dashboard server's time for the query (goal < 300 ms); and the Audit page's
 *   whole data load (the filtered page, the action choices and the users, as app/(console)/audit/page.tsx does);
 * - the sign-in round trip through better-auth: password check (scrypt) + session row, then a session
 *   lookup with the cookie, p50.
 *
 *   npm run bench -- audit
 *   npx tsx scripts/bench/audit.ts  (standalone)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';

import { createAuth } from '../../lib/auth/better-auth';
import { createLocalUser, signInWithPassword } from '../../lib/auth/local-accounts';
import { auditLog } from '../../lib/db/audit';
import { usersRepository } from '../../lib/db/users';
import { type Database, openDatabase } from '../../lib/db/database';
import type { AuditOutcome } from '../../lib/db/schema';
import { startPostgresServer } from '../../lib/db/testing/postgres-server';
import { percentile, type Figure } from './report';

const EVENTS = 100_000;
const USERS = 20;
const THINGS = 10_000;
const ACTIONS = [
  'bundle.download',
  'bundle.generate',
  'thing.create',
  'thing.delete',
  'certificate.activate',
  'certificate.deactivate',
  'certificate.revoke',
  'certificate.delete',
  'policy.create',
  'policy.update',
  'policy.delete',
  'shadow.update',
  'mqtt.publish',
  'bulk.start',
  'bulk.finish',
  'auth.sign-in',
  'user.set-role',
  'user.disable',
  'ca.create',
  'template.update',
];
const DAY = 86_400_000;

/** 100,000 events over 90 days, inserted 1,000 per statement (the bench measures reads, not appends). */
async function fill(database: Database, now: number): Promise<void> {
  const db = database.db;
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let start = 0; start < EVENTS; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, EVENTS - start) }, (_, k) => {
      const i = start + k;
      const user = Math.floor(rand() * USERS);
      const thing = `bench-thing-${Math.floor(rand() * THINGS)}`;
      const thingArn = `arn:aws:iot:us-east-1:123456789012:thing/${thing}`;
      const r = rand();
      const outcome: AuditOutcome = r < 0.9 ? 'success' : r < 0.97 ? 'failure' : 'denied';
      return {
        at: new Date(now - Math.floor(((EVENTS - i) / EVENTS) * 90 * DAY)),
        actor_id: `user-${user}`,
        actor_name: `operator${user}@example.com`,
        actor_role: user < 3 ? 'admin' : 'operator',
        client_address: `198.51.100.${user}`,
        user_agent: 'Mozilla/5.0 (bench)',
        action: ACTIONS[Math.floor(rand() * ACTIONS.length)]!,
        resource_type: 'thing',
        resource_id: thing,
        resource_arn: thingArn,
        resources: [thing, thingArn],
        outcome,
        aws_request_id: `req-${i}`,
        details: JSON.stringify({ i }),
      };
    });
    await db.insertInto('audit_events').values(rows).execute();
  }
  await sql`analyze audit_events`.execute(db);
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: plans and caches
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

async function measure(name: 'pglite' | 'postgres', database: Database, quick: boolean): Promise<Figure[]> {
  const now = Date.now();
  const t0 = performance.now();
  await fill(database, now);
  const fillSeconds = (performance.now() - t0) / 1000;
  const log = auditLog(database.db);
  const n = quick ? 5 : 20;

  const filter = {
    actorId: 'user-7',
    actions: ['bundle.download'],
    outcome: 'success' as const,
    from: new Date(now - 30 * DAY),
    to: new Date(now + 1000),
  };
  const firstPage = await time(n, async () => {
    const page = await log.page({}, { limit: 50 });
    if (page.events.length !== 50) throw new Error('first page is not full: the measurement would be meaningless');
  });
  const filtered = await time(n, async () => {
    const page = await log.page(filter, { limit: 50 });
    if (!page.events.length) throw new Error('the filtered page is empty: the measurement would be meaningless');
  });
  const resource = await time(n, () => log.page({ resource: 'bench-thing-4242' }, { limit: 50 }));
  const users = usersRepository(database.db);
  const pageLoad = await time(n, () => Promise.all([log.page(filter, { limit: 50 }), log.actions(), users.list()]));
  const cursor = (await log.page({}, { limit: 50 })).next!;
  const nextPage = await time(n, () => log.page({}, { limit: 50, after: cursor }));

  // Sign-in round trip: better-auth checks the password (scrypt) and writes the session; then one lookup.
  const auth = createAuth({
    db: database.db,
    secret: 'bench-secret-bench-secret-bench-secret',
    baseURL: 'http://localhost:3000',
  });
  await createLocalUser(auth, {
    name: 'Bench',
    username: 'bench',
    email: 'bench@example.com',
    password: 'bench password 123',
    role: 'operator',
  });
  const headers = () => new Headers({ 'x-forwarded-for': '192.0.2.1', origin: 'http://localhost:3000' });
  let cookie = '';
  const signIn = await time(n, async () => {
    const r = await signInWithPassword(auth, { login: 'bench', password: 'bench password 123', headers: headers() });
    cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  });
  const lookup = await time(n, async () => {
    const h = headers();
    h.set('cookie', cookie);
    if (!(await auth.api.getSession({ headers: h })))
      throw new Error('no session: the measurement would be meaningless');
  });

  const label = name === 'pglite' ? 'PGlite' : 'PostgreSQL';
  const fig = (key: string, text: string, times: number[], goal?: number): Figure => ({
    key: `audit.${name}.${key}.p50_ms`,
    label: `${label}: ${text}, p50`,
    value: percentile(times, 50),
    unit: 'ms',
    better: 'lower',
    ...(goal === undefined ? {} : { goal }),
  });
  return [
    {
      key: `audit.${name}.fill_s`,
      label: `${label}: insert ${EVENTS.toLocaleString('en-US')} audit events (1,000 per statement)`,
      value: fillSeconds,
      unit: 's',
      better: 'lower',
    },
    fig('firstPage', 'audit first page (50 newest of 100,000)', firstPage, 300),
    fig('filtered', 'audit page filtered by user + action + outcome + 30 days', filtered, 300),
    fig('resource', "a thing's history (resource filter)", resource, 300),
    fig('nextPage', 'audit second page (keyset cursor)', nextPage, 300),
    fig('pageLoad', 'Audit page data load (filtered page + action choices + users)', pageLoad, 300),
    fig('signIn', 'sign-in round trip through better-auth (scrypt + session row)', signIn),
    fig('sessionLookup', 'session lookup with the cookie', lookup),
  ];
}

export async function benchAudit(opts: { quick: boolean }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-audit-'));
  try {
    const pglite = await openDatabase({ driver: 'pglite', dataDir: path.join(dir, 'db') });
    try {
      figures.push(...(await measure('pglite', pglite, opts.quick)));
    } finally {
      await pglite.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const server = await startPostgresServer({ durable: true });
  try {
    const postgres = await openDatabase({ driver: 'postgres', url: await server.createDatabase('bench_audit') });
    try {
      figures.push(...(await measure('postgres', postgres, opts.quick)));
    } finally {
      await postgres.close();
    }
  } finally {
    await server.stop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadBaseline, printReport } = await import('./report');
  printReport(
    'Audit trail (100,000 events) and sign-in, PGlite vs PostgreSQL',
    await benchAudit({ quick: process.argv.includes('--quick') }),
    loadBaseline(),
  );
}
