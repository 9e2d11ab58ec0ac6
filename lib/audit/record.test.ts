/**
 * The audit helper against a real emulator (real SDK over HTTP) and the real embedded database: the operator,
 * outcome and AWS request id of each change reach the trail, secrets never do.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createEmulator, type Emulator } from '../../emulator/index';
import { pemFooter, pemHeader } from '../pki/pem';

const REGION = 'us-east-1';
const operator = { userId: 'u-1', name: 'ana', role: 'operator' as const, sessionId: 's-1' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('audit recording', () => {
  let emulator: Emulator;
  let dataDir: string;
  let record: typeof import('./record');
  let services: typeof import('../server/services');
  let things: typeof import('../aws/things');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-record-'));
    emulator = await createEmulator({
      httpPort: 0,
      mqttPort: 0,
      dataDir: path.join(dataDir, 'emulator'),
      region: REGION,
    });
    Object.assign(process.env, {
      IOT_MODE: 'local',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_IOT: emulator.urls.http,
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulator.urls.http,
      AWS_ACCESS_KEY_ID: 'AKIDAUDITTEST0000000',
      AWS_SECRET_ACCESS_KEY: 'audit-test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DASHBOARD_DATA_DIR: path.join(dataDir, 'dashboard'),
    });
    delete process.env.DATABASE_URL;
    record = await import('./record');
    services = await import('../server/services');
    things = await import('../aws/things');
  });

  after(async () => {
    await services?.closeDashboardDatabase();
    await emulator?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const events = async () => {
    const { auditLog } = await import('../db/audit');
    return (await auditLog((await services.dashboardDatabase()).db).page()).events;
  };

  test('a change is recorded with its operator, outcome and the AWS request id, and no secret', async () => {
    const thing = await record.audited(
      operator,
      {
        action: 'thing.create',
        resource: { type: 'thing', id: 'audited-1' },
        details: { password: 'hunter2hunter2', note: `${pemHeader('PRIVATE KEY')}\nMIIB\n${pemFooter('PRIVATE KEY')}` },
      },
      () => things.createThing({ name: 'audited-1', attributes: {} }),
      { after: (t) => ({ resource: { type: 'thing', id: t.name, arn: t.arn } }) },
    );
    const [event] = await events();
    assert.equal(event?.action, 'thing.create');
    assert.equal(event?.outcome, 'success');
    assert.deepEqual(event?.actor, { id: 'u-1', name: 'ana', role: 'operator' });
    assert.equal(event?.resource.arn, thing.arn);
    assert.match(event?.awsRequestId ?? '', UUID, 'the emulator answers x-amzn-RequestId like AWS');
    assert.deepEqual(event?.details, { password: '[redacted]', note: '[redacted]' });
    assert.ok(!JSON.stringify(event).includes('hunter2'));
  });

  test("a refused change is recorded as a failure with the refused call's request id, and still thrown", async () => {
    await assert.rejects(
      record.audited(operator, { action: 'thing.delete', resource: { type: 'thing', id: 'no-such' } }, () =>
        things.describeThing('no-such-thing-here'),
      ),
      /does not exist/,
    );
    const [event] = await events();
    assert.equal(event?.action, 'thing.delete');
    assert.equal(event?.outcome, 'failure');
    assert.match(event?.awsRequestId ?? '', UUID);
    assert.match(String(event?.details.error), /does not exist/);
  });

  test('several calls keep every request id, the last as the event', async () => {
    await record.audited(
      operator,
      { action: 'thing.update', resource: { type: 'thing', id: 'audited-1' } },
      async () => {
        await things.describeThing('audited-1');
        await things.describeThing('audited-1');
      },
    );
    const [event] = await events();
    const ids = event?.details.awsRequestIds as string[];
    assert.equal(ids.length, 2);
    assert.equal(event?.awsRequestId, ids[1]);
  });
});
