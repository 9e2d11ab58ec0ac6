import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateThingCommand, DescribeThingCommand, IoTClient, ListThingsCommand } from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

describe('wire format, bad input and fault injection', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('errors carry the status, x-amzn-ErrorType and a body with message and __type', async () => {
    const res = await fetch(`${t.url}/things/nobody`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    const body = (await res.json()) as { message: string; __type: string };
    assert.equal(body.__type, 'ResourceNotFoundException');
    assert.match(body.message, /nobody/);
  });

  test('malformed JSON is a 400 InvalidRequestException, not a crash', async () => {
    const res = await fetch(`${t.url}/things/json-bad`, {
      method: 'POST',
      body: '{"attributePayload": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidRequestException');
    const wrongShape = await fetch(`${t.url}/things/json-bad`, {
      method: 'POST',
      body: '{"attributePayload": {"attributes": {"a": 5}}}',
    });
    assert.equal(wrongShape.status, 400);
    assert.match(((await wrongShape.json()) as { message: string }).message, /attributePayload\.attributes\.a/);
  });

  test('an unknown route is a 404 and a wrong method a 405, both with a clear message', async () => {
    const unknown = await fetch(`${t.url}/no/such/operation`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const wrong = await fetch(`${t.url}/things`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.match(((await wrong.json()) as { message: string }).message, /allowed: GET/);
  });

  test('a body over 1 MB is refused with 413', async () => {
    const res = await fetch(`${t.url}/things/huge`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 10) });
    assert.equal(res.status, 413);
  });

  test('a fault for the next N calls fails exactly those calls, then the operation works again', async () => {
    const add = await t.admin('POST', 'faults', { operation: 'CreateThing', error: 'ThrottlingException', count: 2 });
    assert.equal(add.status, 200);
    await expectAwsError(() => t.iot.send(new CreateThingCommand({ thingName: 'flaky' })), 'ThrottlingException', 400);
    // Other operations are untouched by a rule for CreateThing.
    await t.iot.send(new ListThingsCommand({}));
    await expectAwsError(() => t.iot.send(new CreateThingCommand({ thingName: 'flaky' })), 'ThrottlingException');
    await t.iot.send(new CreateThingCommand({ thingName: 'flaky' }));
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'never-made' })),
      'ResourceNotFoundException',
    );
  });

  test('an injected fault can name any AWS error, and a faulted call changes nothing', async () => {
    await t.admin('POST', 'faults', { operation: 'CreateThing', error: 'InternalFailureException', count: 1 });
    await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'not-made' })),
      'InternalFailureException',
      500,
    );
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'not-made' })),
      'ResourceNotFoundException',
    );
    const bad = await t.admin('POST', 'faults', { operation: 'CreateThing', error: 'NoSuchError' });
    assert.equal(bad.status, 400);
  });

  test('a fault or quota for an operation that does not exist is refused with 400 and how to name one', async () => {
    for (const operation of ['CreateThings', 'createThing', 'Nothing', '']) {
      const res = await t.admin('POST', 'faults', { operation, count: 1 });
      assert.equal(res.status, 400, operation);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidRequestException');
      const { message } = (await res.json()) as { message: string };
      if (operation) {
        assert.match(message, new RegExp(`'${operation}'`));
        assert.match(message, /'\*'/, 'says that * names every operation');
        assert.match(message, /CreateThing, /, 'lists the operations it knows');
      }
    }
    assert.match(
      ((await (await t.admin('POST', 'faults', { operation: 'creatething' })).json()) as { message: string }).message,
      /did you mean 'CreateThing'/i,
    );
    const quota = await t.admin('PUT', 'quotas', { rates: { CreateThings: 5 } });
    assert.equal(quota.status, 400);
    assert.match(((await quota.json()) as { message: string }).message, /'CreateThings'/);
    // None of them was added: every operation still works, and the lists are empty.
    assert.deepEqual(await (await t.admin('GET', 'faults')).json(), { faults: [] });
    assert.deepEqual(await (await t.admin('GET', 'quotas')).json(), { rates: {} });
    await t.iot.send(new CreateThingCommand({ thingName: 'after-unknown-fault' }));
    // Known names, and '*', are still accepted.
    assert.equal((await t.admin('POST', 'faults', { operation: 'UpdateThingShadow', count: 1 })).status, 200);
    assert.equal((await t.admin('POST', 'faults', { operation: '*', count: 1 })).status, 200);
    await t.admin('DELETE', 'faults');
  });

  test('the SDK retries an injected throttle by itself (standard retry mode)', async () => {
    const retrying = new IoTClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 3,
    });
    await t.admin('POST', 'faults', { operation: 'CreateThing', count: 2 });
    const out = await retrying.send(new CreateThingCommand({ thingName: 'retried' }));
    assert.equal(out.$metadata.attempts, 3);
    retrying.destroy();
  });

  test('probability faults fail a share of calls until cleared', async () => {
    await t.admin('POST', 'faults', { operation: 'DescribeThing', probability: 1 });
    await expectAwsError(() => t.iot.send(new DescribeThingCommand({ thingName: 'flaky' })), 'ThrottlingException');
    const cleared = await t.admin('DELETE', 'faults');
    assert.equal(cleared.status, 200);
    await t.iot.send(new DescribeThingCommand({ thingName: 'flaky' }));
  });

  test('rate quotas throttle calls above the configured rate per operation', async () => {
    const set = await t.admin('PUT', 'quotas', { rates: { CreateThing: 5 } });
    assert.deepEqual(((await set.json()) as { rates: Record<string, number> }).rates, { CreateThing: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) => t.iot.send(new CreateThingCommand({ thingName: `q-${i}` }))),
    );
    const throttled = results.filter(
      (r) => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException',
    );
    const passed = results.filter((r) => r.status === 'fulfilled');
    // A one-second bucket of 5: the burst passes, the rest are throttled (a slow machine may refill one or two).
    assert.ok(passed.length >= 5 && passed.length <= 8, `passed ${passed.length}`);
    assert.ok(throttled.length >= 7, `throttled ${throttled.length}`);
    assert.equal(throttled.length, 15 - passed.length);
    await t.admin('DELETE', 'quotas');
    await t.iot.send(new CreateThingCommand({ thingName: 'q-after' }));
  });

  test('the default quotas are AWS documented rates', async () => {
    const res = await t.admin('PUT', 'quotas', { defaults: true });
    const { rates } = (await res.json()) as { rates: Record<string, number> };
    assert.equal(rates.CreateThing, 100);
    assert.equal(rates.ListThings, 10);
    await t.admin('DELETE', 'quotas');
  });

  test('health and the root CA are served under /_emulator/', async () => {
    const health = (await (await t.admin('GET', 'health')).json()) as { status: string; accountId: string };
    assert.equal(health.status, 'ok');
    assert.equal(health.accountId, '123456789012');
    const pem = await (await t.admin('GET', 'root-ca.pem')).text();
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
  });
});
