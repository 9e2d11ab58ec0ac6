import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { auditHref, parseAuditQuery, parseUtc } from './query';

describe('audit page filters in the address', () => {
  it('reads user, action(s), resource, outcome and a UTC time range into the repository filter', () => {
    const { query, filter, errors } = parseAuditQuery({
      user: 'u-1',
      action: 'bundle.download, bulk.start',
      resource: 'sensor-1',
      outcome: 'failure',
      from: '2024-05-01',
      to: '2024-05-31T14:30',
      after: 'cursor',
    });
    assert.deepEqual(errors, {});
    assert.deepEqual(filter, {
      actorId: 'u-1',
      actions: ['bundle.download', 'bulk.start'],
      resource: 'sensor-1',
      outcome: 'failure',
      from: new Date(Date.UTC(2024, 4, 1)),
      to: new Date(Date.UTC(2024, 4, 31, 14, 30)),
    });
    assert.equal(query.after, 'cursor');
  });

  it('refuses what no event could match, beside its field', () => {
    const { errors } = parseAuditQuery(
      new URLSearchParams({ outcome: 'maybe', action: 'DROP TABLE', from: '2024-02-31', to: 'soon' }),
    );
    assert.deepEqual(Object.keys(errors).sort(), ['action', 'from', 'outcome', 'to']);
    assert.match(parseAuditQuery({ from: '2024-05-02', to: '2024-05-01' }).errors.to!, /after the start/);
    assert.equal(parseUtc('2024-02-29T23:59')?.toISOString(), '2024-02-29T23:59:00.000Z');
    assert.equal(parseUtc('2023-02-29'), undefined);
  });

  it('builds the address of a view, a changed filter dropping the page cursor when asked', () => {
    const { query } = parseAuditQuery({ user: 'u 1', after: 'c' });
    assert.equal(auditHref(query), '/audit?user=u+1&after=c');
    assert.equal(
      auditHref(query, { resource: 'arn:aws:iot:x', after: undefined }),
      '/audit?user=u+1&resource=arn%3Aaws%3Aiot%3Ax',
    );
    assert.equal(auditHref({}), '/audit');
  });
});
