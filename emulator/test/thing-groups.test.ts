import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeThingGroupCommand,
  ListThingGroupsForThingCommand,
  UpdateThingGroupCommand,
  UpdateThingGroupsForThingCommand,
} from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

describe('thing groups: idempotent create, UpdateThingGroup, UpdateThingGroupsForThing', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  const groupsOf = async (thingName: string) =>
    ((await t.iot.send(new ListThingGroupsForThingCommand({ thingName }))).thingGroups ?? [])
      .map((g) => g.groupName)
      .sort();

  test('creating a group identical to an existing one answers with it; a different one is refused', async () => {
    const props = { thingGroupDescription: 'Hall A', attributePayload: { attributes: { site: 'hall-a' } } };
    const first = await t.iot.send(
      new CreateThingGroupCommand({ thingGroupName: 'idem', thingGroupProperties: props }),
    );
    const again = await t.iot.send(
      new CreateThingGroupCommand({ thingGroupName: 'idem', thingGroupProperties: props }),
    );
    assert.equal(again.thingGroupId, first.thingGroupId);
    assert.equal(again.thingGroupArn, first.thingGroupArn);

    const err = await expectAwsError(
      () =>
        t.iot.send(
          new CreateThingGroupCommand({
            thingGroupName: 'idem',
            thingGroupProperties: { ...props, attributePayload: { attributes: { site: 'hall-b' } } },
          }),
        ),
      'ResourceAlreadyExistsException',
      409,
    );
    assert.equal(err.message, 'Thing Group idem already exists in current account with different properties');
    assert.equal((err as unknown as { resourceId?: string }).resourceId, first.thingGroupId);
  });

  test('UpdateThingGroup changes the description and attributes and bumps the version', async () => {
    await t.iot.send(
      new CreateThingGroupCommand({
        thingGroupName: 'bulbs',
        thingGroupProperties: { attributePayload: { attributes: { maker: 'acme', watts: '40' } } },
      }),
    );
    const replaced = await t.iot.send(
      new UpdateThingGroupCommand({
        thingGroupName: 'bulbs',
        thingGroupProperties: {
          thingGroupDescription: 'Halogen bulb group',
          attributePayload: { attributes: { watts: '60' } },
        },
      }),
    );
    assert.equal(replaced.version, 2);
    let d = await t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'bulbs' }));
    assert.equal(d.version, 2);
    assert.equal(d.thingGroupProperties?.thingGroupDescription, 'Halogen bulb group');
    assert.deepEqual(d.thingGroupProperties?.attributePayload?.attributes, { watts: '60' });

    const merged = await t.iot.send(
      new UpdateThingGroupCommand({
        thingGroupName: 'bulbs',
        expectedVersion: 2,
        thingGroupProperties: { attributePayload: { attributes: { maker: 'acme', watts: '' }, merge: true } },
      }),
    );
    assert.equal(merged.version, 3);
    d = await t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'bulbs' }));
    assert.deepEqual(d.thingGroupProperties?.attributePayload?.attributes, { maker: 'acme' });
    assert.equal(d.thingGroupProperties?.thingGroupDescription, 'Halogen bulb group');

    await expectAwsError(
      () =>
        t.iot.send(
          new UpdateThingGroupCommand({ thingGroupName: 'bulbs', expectedVersion: 1, thingGroupProperties: {} }),
        ),
      'VersionConflictException',
      409,
    );
    await expectAwsError(
      () => t.iot.send(new UpdateThingGroupCommand({ thingGroupName: 'no-such', thingGroupProperties: {} })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('UpdateThingGroupsForThing adds and removes in one call, and changes nothing when a group is missing', async () => {
    for (const name of ['dead', 'replaceable', 'spare']) {
      await t.iot.send(new CreateThingGroupCommand({ thingGroupName: name }));
    }
    await t.iot.send(new CreateThingCommand({ thingName: 'bulb-1' }));
    await t.iot.send(
      new UpdateThingGroupsForThingCommand({ thingName: 'bulb-1', thingGroupsToAdd: ['dead', 'spare'] }),
    );
    assert.deepEqual(await groupsOf('bulb-1'), ['dead', 'spare']);

    await t.iot.send(
      new UpdateThingGroupsForThingCommand({
        thingName: 'bulb-1',
        thingGroupsToAdd: ['replaceable'],
        thingGroupsToRemove: ['dead'],
      }),
    );
    assert.deepEqual(await groupsOf('bulb-1'), ['replaceable', 'spare']);

    await expectAwsError(
      () =>
        t.iot.send(
          new UpdateThingGroupsForThingCommand({
            thingName: 'bulb-1',
            thingGroupsToAdd: ['dead'],
            thingGroupsToRemove: ['no-such-group'],
          }),
        ),
      'ResourceNotFoundException',
      404,
    );
    assert.deepEqual(await groupsOf('bulb-1'), ['replaceable', 'spare'], 'the failed call changed nothing');
    await expectAwsError(
      () => t.iot.send(new UpdateThingGroupsForThingCommand({ thingName: 'ghost', thingGroupsToAdd: ['dead'] })),
      'ResourceNotFoundException',
      404,
    );
  });
});
