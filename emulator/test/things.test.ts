import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateThingCommand,
  DeleteThingCommand,
  DescribeThingCommand,
  ListThingsCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

describe('things', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('CreateThing returns the name, an ARN in the account and region, and an id', async () => {
    const out = await t.iot.send(new CreateThingCommand({ thingName: 'sensor-1' }));
    assert.equal(out.thingName, 'sensor-1');
    assert.equal(out.thingArn, 'arn:aws:iot:us-east-1:123456789012:thing/sensor-1');
    assert.match(out.thingId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('CreateThing is idempotent for an identical thing and refuses a different one', async () => {
    const first = await t.iot.send(
      new CreateThingCommand({ thingName: 'idem', attributePayload: { attributes: { a: '1' } } }),
    );
    const again = await t.iot.send(
      new CreateThingCommand({ thingName: 'idem', attributePayload: { attributes: { a: '1' } } }),
    );
    assert.equal(again.thingId, first.thingId);
    const err = await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'idem', attributePayload: { attributes: { a: '2' } } })),
      'ResourceAlreadyExistsException',
      409,
    );
    assert.equal((err as unknown as { resourceId: string }).resourceId, first.thingId);
  });

  test('bad thing names are refused with InvalidRequestException naming the rule', async () => {
    const err = await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'has space' })),
      'InvalidRequestException',
      400,
    );
    assert.match(err.message, /thingName/);
    await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'x'.repeat(129) })),
      'InvalidRequestException',
      400,
    );
  });

  test('a thing without a type holds at most three attributes', async () => {
    await expectAwsError(
      () =>
        t.iot.send(
          new CreateThingCommand({
            thingName: 'too-many',
            attributePayload: { attributes: { a: '1', b: '2', c: '3', d: '4' } },
          }),
        ),
      'InvalidRequestException',
    );
    const missing = await t.iot.send(new ListThingsCommand({}));
    assert.ok(!missing.things?.some((x) => x.thingName === 'too-many'), 'nothing half-made');
  });

  test('DescribeThing of an unknown thing is ResourceNotFoundException', async () => {
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'ghost' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('UpdateThing merges or replaces attributes, bumps the version, and honours expectedVersion', async () => {
    await t.iot.send(
      new CreateThingCommand({ thingName: 'upd', attributePayload: { attributes: { a: '1', b: '2' } } }),
    );
    await t.iot.send(
      new UpdateThingCommand({
        thingName: 'upd',
        attributePayload: { attributes: { c: '3', a: '' }, merge: true },
        expectedVersion: 1,
      }),
    );
    let d = await t.iot.send(new DescribeThingCommand({ thingName: 'upd' }));
    assert.deepEqual(d.attributes, { b: '2', c: '3' });
    assert.equal(d.version, 2);
    await expectAwsError(
      () =>
        t.iot.send(
          new UpdateThingCommand({
            thingName: 'upd',
            attributePayload: { attributes: { z: '9' } },
            expectedVersion: 1,
          }),
        ),
      'VersionConflictException',
      409,
    );
    await t.iot.send(new UpdateThingCommand({ thingName: 'upd', attributePayload: { attributes: { z: '9' } } }));
    d = await t.iot.send(new DescribeThingCommand({ thingName: 'upd' }));
    assert.deepEqual(d.attributes, { z: '9' });
    assert.equal(d.version, 3);
  });

  test('DeleteThing removes the thing, checks expectedVersion, and succeeds for a missing thing', async () => {
    await t.iot.send(new CreateThingCommand({ thingName: 'del-me' }));
    await expectAwsError(
      () => t.iot.send(new DeleteThingCommand({ thingName: 'del-me', expectedVersion: 7 })),
      'VersionConflictException',
    );
    await t.iot.send(new DeleteThingCommand({ thingName: 'del-me', expectedVersion: 1 }));
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: 'del-me' })),
      'ResourceNotFoundException',
    );
    await t.iot.send(new DeleteThingCommand({ thingName: 'del-me' }));
  });

  test('ListThings pages with nextToken and maxResults, visiting every thing once', async () => {
    for (let i = 0; i < 23; i++) {
      await t.iot.send(new CreateThingCommand({ thingName: `page-${String(i).padStart(2, '0')}` }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await t.iot.send(new ListThingsCommand({ maxResults: 5, nextToken: token }));
      assert.ok((out.things?.length ?? 0) <= 5);
      seen.push(...(out.things ?? []).map((x) => x.thingName!));
      token = out.nextToken;
      pages++;
    } while (token);
    const paged = seen.filter((n) => n.startsWith('page-'));
    assert.equal(paged.length, 23);
    assert.equal(new Set(seen).size, seen.length, 'no thing twice');
    assert.ok(pages >= 5);
    await expectAwsError(
      () => t.iot.send(new ListThingsCommand({ nextToken: 'not-a-token!' })),
      'InvalidRequestException',
    );
    await expectAwsError(() => t.iot.send(new ListThingsCommand({ maxResults: 251 })), 'InvalidRequestException');
  });

  test('ListThings filters by attribute (exact and prefix) and by thing type', async () => {
    await t.iot.send(
      new CreateThingCommand({ thingName: 'f-1', attributePayload: { attributes: { site: 'berlin-1' } } }),
    );
    await t.iot.send(
      new CreateThingCommand({ thingName: 'f-2', attributePayload: { attributes: { site: 'berlin-2' } } }),
    );
    await t.iot.send(new CreateThingCommand({ thingName: 'f-3', attributePayload: { attributes: { site: 'paris' } } }));
    const exact = await t.iot.send(new ListThingsCommand({ attributeName: 'site', attributeValue: 'paris' }));
    assert.deepEqual(
      exact.things?.map((x) => x.thingName),
      ['f-3'],
    );
    const prefix = await t.iot.send(
      new ListThingsCommand({ attributeName: 'site', attributeValue: 'berlin', usePrefixAttributeValue: true }),
    );
    assert.deepEqual(
      prefix.things?.map((x) => x.thingName),
      ['f-1', 'f-2'],
    );
  });
});
