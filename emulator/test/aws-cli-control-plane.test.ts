/**
 * Interop: the AWS CLI (botocore) drives this part's control-plane operations exactly as an operator types
 * them: fleet indexing (update-indexing-configuration, search-index, get-statistics, get-cardinality),
 * dynamic thing groups, thing group updates, and role aliases, with the answers read back as botocore parses
 * them. The shorthand arguments are AWS's own documentation examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddThingToThingGroupCommand, CreateThingCommand, CreateThingGroupCommand } from '@aws-sdk/client-iot';
import { awsCliSkip, iotCli } from './aws-cli';
import { startTestEmulator, type TestEmulator } from './harness';

describe('AWS CLI interop: fleet indexing, dynamic groups, thing group updates, role aliases', {
  skip: awsCliSkip,
}, () => {
  let t: TestEmulator;
  const { ok: cli, fails: cliError } = iotCli(() => t.url);

  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  test('search-index before indexing is on: AWS’s ResourceNotFoundException', async () => {
    const stderr = await cliError('search-index', '--query-string', 'thingName:*');
    assert.match(stderr, /ResourceNotFoundException.*Index AWS_Things does not exist/);
  });

  test('update-indexing-configuration, get-indexing-configuration, search-index, get-statistics, get-cardinality', async () => {
    await cli(
      'update-indexing-configuration',
      '--thing-indexing-configuration',
      'thingIndexingMode=REGISTRY_AND_SHADOW,thingConnectivityIndexingMode=STATUS',
    );
    const config = await cli('get-indexing-configuration');
    assert.deepEqual(
      {
        mode: (config.thingIndexingConfiguration as Record<string, unknown>).thingIndexingMode,
        connectivity: (config.thingIndexingConfiguration as Record<string, unknown>).thingConnectivityIndexingMode,
      },
      { mode: 'REGISTRY_AND_SHADOW', connectivity: 'STATUS' },
    );

    // The get-cardinality example's set-up: ten temperature sensors on six racks.
    const temperatures = [70, 71, 72, 73, 74, 75, 47, 97, 98, 99];
    const racks = ['Rack1', 'Rack1', 'Rack2', 'Rack2', 'Rack3', 'Rack4', 'Rack5', 'Rack6', 'Rack6', 'Rack6'];
    // Made through the SDK: create-thing's own CLI interop is in aws-cli.test.ts, and each CLI run costs seconds.
    for (let i = 0; i < 10; i++) {
      await t.iot.send(
        new CreateThingCommand({
          thingName: `TempSensor${i}`,
          attributePayload: {
            attributes: { temperature: String(temperatures[i]), rackId: racks[i]!, stateNormal: String(i < 6) },
          },
        }),
      );
    }
    const found = await cli('search-index', '--index-name', 'AWS_Things', '--query-string', 'thingName:TempSensor*');
    const things = found.things as { thingName: string; attributes: Record<string, string>; connectivity: unknown }[];
    assert.equal(things.length, 10);
    assert.deepEqual(things[0]!.connectivity, { connected: false });
    assert.equal(things[0]!.attributes.rackId, 'Rack1');

    const abnormal = await cli(
      'get-cardinality',
      '--aggregation-field',
      'attributes.rackId',
      '--query-string',
      'thingName:TempSensor* AND attributes.stateNormal:false',
    );
    assert.equal(abnormal.cardinality, 2, 'the CLI documentation’s answer');

    const stats = await cli(
      'get-statistics',
      '--index-name',
      'AWS_Things',
      '--query-string',
      'connectivity.connected:false',
    );
    assert.deepEqual(stats.statistics, { count: 10 });

    const page = await cli('search-index', '--query-string', 'attributes.temperature>90', '--max-results', '2');
    assert.equal((page.things as unknown[]).length, 2);
    assert.ok(page.nextToken, 'a token for the third match');

    const stderr = await cliError('search-index', '--query-string', 'thingName:(TempSensor1');
    assert.match(stderr, /InvalidQueryException/);
  });

  test('create-dynamic-thing-group, describe-thing-group, update-dynamic-thing-group, delete-dynamic-thing-group', async () => {
    const created = await cli(
      'create-dynamic-thing-group',
      '--thing-group-name',
      'RoomTooWarm',
      '--query-string',
      'attributes.temperature>60',
    );
    assert.equal(created.indexName, 'AWS_Things');
    assert.equal(created.queryString, 'attributes.temperature>60');
    assert.equal(created.queryVersion, '2017-09-30');
    const members = await cli('list-things-in-thing-group', '--thing-group-name', 'RoomTooWarm');
    assert.equal((members.things as string[]).length, 9);

    const updated = await cli(
      'update-dynamic-thing-group',
      '--thing-group-name',
      'RoomTooWarm',
      '--thing-group-properties',
      'thingGroupDescription="This thing group contains rooms warmer than 65F."',
      '--query-string',
      'attributes.temperature>65',
    );
    assert.equal(updated.version, 2);
    const d = await cli('describe-thing-group', '--thing-group-name', 'RoomTooWarm');
    assert.equal(d.queryString, 'attributes.temperature>65');
    assert.equal(d.status, 'ACTIVE');
    assert.equal(
      (d.thingGroupProperties as Record<string, unknown>).thingGroupDescription,
      'This thing group contains rooms warmer than 65F.',
    );
    await cli('delete-dynamic-thing-group', '--thing-group-name', 'RoomTooWarm');
  });

  test('create-thing-group twice, update-thing-group, update-thing-groups-for-thing', async () => {
    const props =
      'thingGroupDescription="Generic bulb group", attributePayload={attributes={Manufacturer=AnyCompany,wattage=60}}';
    const first = await cli(
      'create-thing-group',
      '--thing-group-name',
      'LightBulbs',
      '--thing-group-properties',
      props,
    );
    const again = await cli(
      'create-thing-group',
      '--thing-group-name',
      'LightBulbs',
      '--thing-group-properties',
      props,
    );
    assert.equal(again.thingGroupId, first.thingGroupId, 'identical: the same group');

    const updated = await cli(
      'update-thing-group',
      '--thing-group-name',
      'LightBulbs',
      '--thing-group-properties',
      'thingGroupDescription="Halogen bulb group", attributePayload={attributes={Manufacturer=AnyCompany,wattage=60}}',
    );
    assert.equal(updated.version, 2);

    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'DeadBulbs' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'replaceableItems' }));
    await t.iot.send(new CreateThingCommand({ thingName: 'MyLightBulb' }));
    await t.iot.send(new AddThingToThingGroupCommand({ thingName: 'MyLightBulb', thingGroupName: 'DeadBulbs' }));
    await cli(
      'update-thing-groups-for-thing',
      '--thing-name',
      'MyLightBulb',
      '--thing-groups-to-add',
      'replaceableItems',
      '--thing-groups-to-remove',
      'DeadBulbs',
    );
    const groups = await cli('list-thing-groups-for-thing', '--thing-name', 'MyLightBulb');
    assert.deepEqual(
      (groups.thingGroups as { groupName: string }[]).map((g) => g.groupName),
      ['replaceableItems'],
    );
  });

  test('create-role-alias, describe-role-alias, list-role-aliases, update-role-alias, delete-role-alias', async () => {
    const created = await cli(
      'create-role-alias',
      '--role-alias',
      'LightBulbRole',
      '--role-arn',
      'arn:aws:iam::123456789012:role/lightbulbrole-001',
    );
    assert.equal(created.roleAliasArn, 'arn:aws:iot:us-east-1:123456789012:rolealias/LightBulbRole');
    const d = (await cli('describe-role-alias', '--role-alias', 'LightBulbRole')).roleAliasDescription as Record<
      string,
      unknown
    >;
    assert.equal(d.credentialDurationSeconds, 3600);
    assert.equal(d.owner, '123456789012');
    assert.deepEqual((await cli('list-role-aliases')).roleAliases, ['LightBulbRole']);
    await cli('update-role-alias', '--role-alias', 'LightBulbRole', '--credential-duration-seconds', '7200');
    const after = (await cli('describe-role-alias', '--role-alias', 'LightBulbRole')).roleAliasDescription as Record<
      string,
      unknown
    >;
    assert.equal(after.credentialDurationSeconds, 7200);
    const refused = await cliError(
      'create-role-alias',
      '--role-alias',
      'TooShort',
      '--role-arn',
      'arn:aws:iam::123456789012:role/x-role',
      '--credential-duration-seconds',
      '60',
    );
    assert.match(refused, /credentialDurationSeconds|InvalidRequestException|ParamValidation/);
    await cli('delete-role-alias', '--role-alias', 'LightBulbRole');
    const endpoint = await cli('describe-endpoint', '--endpoint-type', 'iot:CredentialProvider');
    assert.equal(endpoint.endpointAddress, `localhost:${t.emulator.config.credentialsPort}`);
  });
});
