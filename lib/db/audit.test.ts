import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type AuditEvent, AuditCursorError, auditLog, redactSecrets } from './audit';
import { auditCsv, auditJson } from './audit-export';
import type { Database } from './database';
import { testDrivers } from './testing/drivers';
import { pemHeader } from '../pki/pem';

async function collect(gen: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const chunk of gen) s += chunk;
  return s;
}

describe('audit details and exports', () => {
  it('redacts passwords, tokens, secrets and private keys, wherever they sit', () => {
    assert.deepEqual(
      redactSecrets({
        thingName: 'dev-1',
        password: 'hunter2',
        nested: { sessionToken: 'abc', list: ['ok', `${pemHeader('EC PRIVATE KEY')}\nMHc...\n`] },
        clientSecret: 's',
      }),
      {
        thingName: 'dev-1',
        password: '[redacted]',
        nested: { sessionToken: '[redacted]', list: ['ok', '[redacted]'] },
        clientSecret: '[redacted]',
      },
    );
  });

  it('writes the CSV through lib/csv: cells quoted when they need it, spreadsheet formulas defused', async () => {
    const event: AuditEvent = {
      id: '1',
      at: new Date(0),
      actor: { name: '=HYPERLINK("x")' },
      userAgent: '@agent',
      action: 'thing.create',
      resource: { id: 'a,b' },
      resources: [],
      outcome: 'success',
      details: {},
    };
    async function* one() {
      yield event;
    }
    const [, row] = (await collect(auditCsv(one()))).split('\r\n');
    assert.equal(row, `1,1970-01-01T00:00:00.000Z,,"'=HYPERLINK(""x"")",,,'@agent,thing.create,,"a,b",,,success,,`);
  });
});

for (const driver of testDrivers) {
  describe(`audit trail on ${driver.name}`, () => {
    let database: Database;
    let log: ReturnType<typeof auditLog>;
    const t0 = Date.UTC(2024, 2, 1, 12, 0, 0);
    before(async () => {
      database = await driver.open();
      log = auditLog(database.db);
      // 30 events, two per millisecond (the cursor must separate events that share a timestamp).
      for (let i = 0; i < 30; i++) {
        await log.append({
          at: new Date(t0 + Math.floor(i / 2)),
          actor:
            i % 3 === 0 ? { id: 'u-ops', name: 'ops', role: 'operator' } : { id: 'u-adm', name: 'root', role: 'admin' },
          clientAddress: '203.0.113.7',
          userAgent: 'test-agent',
          action: i % 5 === 0 ? 'bundle.download' : 'certificate.revoke',
          resource:
            i % 5 === 0
              ? { type: 'thing', id: `dev-${i}`, arn: `arn:aws:iot:us-east-1:123456789012:thing/dev-${i}` }
              : { type: 'certificate', id: `cert-${i}` },
          related: i === 10 ? ['policy-x'] : [],
          outcome: i % 7 === 0 ? 'failure' : 'success',
          awsRequestId: `req-${i}`,
          details: { i, password: 'never stored' },
        });
      }
    });
    after(() => database?.close());

    it('records who, when, from where, what, the outcome and the AWS request id, without secrets', async () => {
      const { events } = await log.page({ resource: 'dev-10' });
      assert.equal(events.length, 1);
      const e = events[0]!;
      assert.deepEqual({ ...e, id: typeof e.id }, {
        id: 'string',
        at: new Date(t0 + 5),
        actor: { id: 'u-adm', name: 'root', role: 'admin' },
        clientAddress: '203.0.113.7',
        userAgent: 'test-agent',
        action: 'bundle.download',
        resource: { type: 'thing', id: 'dev-10', arn: 'arn:aws:iot:us-east-1:123456789012:thing/dev-10' },
        resources: ['dev-10', 'arn:aws:iot:us-east-1:123456789012:thing/dev-10', 'policy-x'],
        outcome: 'success',
        awsRequestId: 'req-10',
        details: { i: 10, password: '[redacted]' },
      } satisfies Omit<AuditEvent, 'id'> & { id: string });
    });

    it('pages newest first with a cursor that never repeats or skips an event, even within one millisecond', async () => {
      const seen: number[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await log.page({}, { limit: 7, after });
        seen.push(...page.events.map((e) => e.details.i as number));
        after = page.next;
        pages++;
      } while (after);
      assert.equal(pages, 5);
      assert.deepEqual(
        seen,
        Array.from({ length: 30 }, (_, i) => 29 - i),
      );
    });

    it('filters by user, action, resource (id, ARN or related), outcome and time range, together', async () => {
      const ids = async (filter: Parameters<typeof log.page>[0]) =>
        (await log.page(filter, { limit: 100 })).events.map((e) => e.details.i as number).sort((a, b) => a - b);
      assert.deepEqual(await ids({ actorId: 'u-ops' }), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
      assert.deepEqual(await ids({ actions: ['bundle.download'] }), [0, 5, 10, 15, 20, 25]);
      assert.deepEqual(await ids({ resource: 'arn:aws:iot:us-east-1:123456789012:thing/dev-20' }), [20]);
      assert.deepEqual(await ids({ resource: 'policy-x' }), [10]);
      assert.deepEqual(await ids({ outcome: 'failure' }), [0, 7, 14, 21, 28]);
      assert.deepEqual(await ids({ from: new Date(t0 + 10), to: new Date(t0 + 12) }), [20, 21, 22, 23]);
      assert.deepEqual(
        await ids({ actorId: 'u-ops', actions: ['bundle.download'], outcome: 'failure', from: new Date(t0) }),
        [0],
      );
      assert.deepEqual(await ids({ actorName: 'nobody' }), []);
    });

    it('lists the distinct actions recorded, in order', async () => {
      assert.deepEqual(await log.actions(), ['bundle.download', 'certificate.revoke']);
    });

    it('refuses a forged cursor with a clear error', async () => {
      await assert.rejects(log.page({}, { after: 'not-a-cursor' }), AuditCursorError);
      const forged = Buffer.from(JSON.stringify([1, '1; drop table audit_events'])).toString('base64url');
      await assert.rejects(log.page({}, { after: forged }), AuditCursorError);
    });

    it('exports every matching event as CSV and JSON, read in batches', async () => {
      const csv = await collect(auditCsv(log.all({ actions: ['bundle.download'] }, 4)));
      const lines = csv.trimEnd().split('\r\n');
      assert.equal(lines.length, 7);
      assert.match(lines[0]!, /^id,at,actor_id,actor_name,actor_role,client_address/);
      assert.match(lines[1]!, /,root,admin,203\.0\.113\.7,test-agent,bundle\.download,thing,dev-25,/);
      assert.ok(!csv.includes('never stored'));
      const json = JSON.parse(await collect(auditJson(log.all({ outcome: 'failure' }, 2)))) as {
        details: { i: number };
      }[];
      assert.deepEqual(
        json.map((e) => e.details.i),
        [28, 21, 14, 7, 0],
      );
      assert.equal(await collect(auditJson(log.all({ actorName: 'nobody' }))), '[]\n');
    });
  });
}
