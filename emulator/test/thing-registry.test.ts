import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteThingGroupCommand,
  DeleteThingTypeCommand,
  DeprecateThingTypeCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  ListThingGroupsCommand,
  ListThingGroupsForThingCommand,
  ListThingsCommand,
  ListThingsInThingGroupCommand,
  ListThingTypesCommand,
  RemoveThingFromThingGroupCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

describe('thing types and thing groups', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('a thing type is created, described, listed, and refused twice', async () => {
    const out = await t.iot.send(
      new CreateThingTypeCommand({
        thingTypeName: 'sensor',
        thingTypeProperties: { thingTypeDescription: 'Temperature sensor' },
      }),
    );
    assert.equal(out.thingTypeArn, 'arn:aws:iot:us-east-1:123456789012:thingtype/sensor');
    const d = await t.iot.send(new DescribeThingTypeCommand({ thingTypeName: 'sensor' }));
    assert.equal(d.thingTypeProperties?.thingTypeDescription, 'Temperature sensor');
    assert.equal(d.thingTypeMetadata?.deprecated, false);
    assert.ok(d.thingTypeMetadata?.creationDate instanceof Date);
    const list = await t.iot.send(new ListThingTypesCommand({}));
    assert.deepEqual(
      list.thingTypes?.map((x) => x.thingTypeName),
      ['sensor'],
    );
    await expectAwsError(
      () => t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'sensor' })),
      'ResourceAlreadyExistsException',
      409,
    );
    await expectAwsError(
      () => t.iot.send(new DescribeThingTypeCommand({ thingTypeName: 'nope' })),
      'ResourceNotFoundException',
    );
  });

  test('a typed thing may hold more than three attributes and is found by the type filter', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]));
    await t.iot.send(
      new CreateThingCommand({ thingName: 'typed-1', thingTypeName: 'sensor', attributePayload: { attributes } }),
    );
    await t.iot.send(new CreateThingCommand({ thingName: 'untyped-1' }));
    const byType = await t.iot.send(new ListThingsCommand({ thingTypeName: 'sensor' }));
    assert.deepEqual(
      byType.things?.map((x) => x.thingName),
      ['typed-1'],
    );
    await expectAwsError(
      () => t.iot.send(new UpdateThingCommand({ thingName: 'typed-1', removeThingType: true })),
      'InvalidRequestException',
    );
    await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'bad-type', thingTypeName: 'missing-type' })),
      'ResourceNotFoundException',
    );
  });

  test('a deprecated type takes no new things and can then be deleted once unused', async () => {
    await t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'old' }));
    await expectAwsError(
      () => t.iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old' })),
      'InvalidRequestException',
    );
    await t.iot.send(new DeprecateThingTypeCommand({ thingTypeName: 'old' }));
    await expectAwsError(
      () => t.iot.send(new CreateThingCommand({ thingName: 'on-old', thingTypeName: 'old' })),
      'InvalidRequestException',
    );
    await t.iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old' }));
    await expectAwsError(
      () => t.iot.send(new DescribeThingTypeCommand({ thingTypeName: 'old' })),
      'ResourceNotFoundException',
    );
  });

  test('thing groups nest, report their ancestry, and list their things', async () => {
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'factory' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'line-1', parentGroupName: 'factory' }));
    const d = await t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'line-1' }));
    assert.equal(d.thingGroupMetadata?.parentGroupName, 'factory');
    assert.deepEqual(
      d.thingGroupMetadata?.rootToParentThingGroups?.map((g) => g.groupName),
      ['factory'],
    );

    await t.iot.send(new CreateThingCommand({ thingName: 'g-dev-1' }));
    await t.iot.send(new CreateThingCommand({ thingName: 'g-dev-2' }));
    await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'line-1', thingName: 'g-dev-1' }));
    await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'factory', thingName: 'g-dev-2' }));
    // Adding twice is harmless.
    await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'factory', thingName: 'g-dev-2' }));

    const direct = await t.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'factory' }));
    assert.deepEqual(direct.things, ['g-dev-2']);
    const recursive = await t.iot.send(
      new ListThingsInThingGroupCommand({ thingGroupName: 'factory', recursive: true }),
    );
    assert.deepEqual(recursive.things, ['g-dev-1', 'g-dev-2']);
    const groups = await t.iot.send(new ListThingGroupsForThingCommand({ thingName: 'g-dev-1' }));
    assert.deepEqual(
      groups.thingGroups?.map((g) => g.groupName),
      ['line-1'],
    );
    const children = await t.iot.send(new ListThingGroupsCommand({ parentGroup: 'factory' }));
    assert.deepEqual(
      children.thingGroups?.map((g) => g.groupName),
      ['line-1'],
    );

    await t.iot.send(new RemoveThingFromThingGroupCommand({ thingGroupName: 'line-1', thingName: 'g-dev-1' }));
    const after = await t.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'line-1' }));
    assert.deepEqual(after.things, []);
  });

  test('group errors: unknown group or thing, duplicate, parent with children', async () => {
    await expectAwsError(
      () => t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'nope', thingName: 'g-dev-1' })),
      'ResourceNotFoundException',
    );
    await expectAwsError(
      () => t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'factory', thingName: 'nobody' })),
      'ResourceNotFoundException',
    );
    // The same name with other properties (identical ones answer with the group: thing-groups.test.ts).
    await expectAwsError(
      () =>
        t.iot.send(
          new CreateThingGroupCommand({
            thingGroupName: 'factory',
            thingGroupProperties: { thingGroupDescription: 'another factory' },
          }),
        ),
      'ResourceAlreadyExistsException',
    );
    await expectAwsError(
      () => t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'orphan', parentGroupName: 'nope' })),
      'ResourceNotFoundException',
    );
    await expectAwsError(
      () => t.iot.send(new DeleteThingGroupCommand({ thingGroupName: 'factory' })),
      'InvalidRequestException',
    );
    await t.iot.send(new DeleteThingGroupCommand({ thingGroupName: 'line-1' }));
    await t.iot.send(new DeleteThingGroupCommand({ thingGroupName: 'factory' }));
    await expectAwsError(
      () => t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'factory' })),
      'ResourceNotFoundException',
    );
  });
});
