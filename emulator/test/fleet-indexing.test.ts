import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  CreateDynamicThingGroupCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
  DeleteDynamicThingGroupCommand,
  DescribeThingGroupCommand,
  GetCardinalityCommand,
  GetIndexingConfigurationCommand,
  GetStatisticsCommand,
  ListAttachedPoliciesCommand,
  ListThingGroupsForThingCommand,
  ListThingsInThingGroupCommand,
  SearchIndexCommand,
  type ThingDocument,
  type ThingIndexingConfiguration,
  UpdateDynamicThingGroupCommand,
  UpdateIndexingConfigurationCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { ALLOW_ALL, connectDevice, onboardDevice } from './devices';
import { expectAwsError, startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

const ON: ThingIndexingConfiguration = {
  thingIndexingMode: 'REGISTRY_AND_SHADOW',
  thingConnectivityIndexingMode: 'STATUS',
  namedShadowIndexingMode: 'ON',
  filter: { namedShadowNames: ['config'] },
};

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('fleet indexing', () => {
  let t: TestEmulator;
  let data: IoTDataPlaneClient;
  before(async () => {
    t = await startTestEmulator();
    data = new IoTDataPlaneClient({ endpoint: t.url, region: t.emulator.config.region, credentials: TEST_CREDENTIALS });
  });
  after(async () => {
    data.destroy();
    await t.close();
  });

  const search = async (queryString: string, extra: { maxResults?: number; nextToken?: string } = {}) =>
    t.iot.send(new SearchIndexCommand({ indexName: 'AWS_Things', queryString, ...extra }));
  const names = async (queryString: string) => ((await search(queryString)).things ?? []).map((d) => d.thingName);
  const shadow = (thingName: string, doc: object, shadowName?: string) =>
    data.send(new UpdateThingShadowCommand({ thingName, shadowName, payload: JSON.stringify(doc) }));

  test('off by default, as on AWS: SearchIndex answers AWS’s ResourceNotFoundException', async () => {
    const config = await t.iot.send(new GetIndexingConfigurationCommand({}));
    assert.equal(config.thingIndexingConfiguration?.thingIndexingMode, 'OFF');
    assert.equal(config.thingIndexingConfiguration?.thingConnectivityIndexingMode, 'OFF');
    assert.equal(config.thingGroupIndexingConfiguration?.thingGroupIndexingMode, 'OFF');
    const err = await expectAwsError(() => search('thingName:*'), 'ResourceNotFoundException', 404);
    assert.equal(
      err.message,
      'Index AWS_Things does not exist. Please enable index by calling UpdateIndexingConfiguration',
    );
    await expectAwsError(
      () => t.iot.send(new GetStatisticsCommand({ queryString: '*' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName: 'too-early', queryString: '*' })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('UpdateIndexingConfiguration refuses combinations AWS refuses', async () => {
    for (const thingIndexingConfiguration of [
      { thingIndexingMode: 'OFF', thingConnectivityIndexingMode: 'STATUS' },
      { thingIndexingMode: 'REGISTRY', namedShadowIndexingMode: 'ON' },
      { thingIndexingMode: 'SOMETIMES' },
      {
        thingIndexingMode: 'REGISTRY_AND_SHADOW',
        namedShadowIndexingMode: 'ON',
        filter: { namedShadowNames: Array.from({ length: 11 }, (_, i) => `s${i}`) },
      },
    ] as const) {
      await expectAwsError(
        () =>
          t.iot.send(
            new UpdateIndexingConfigurationCommand({
              thingIndexingConfiguration: thingIndexingConfiguration as never,
            }),
          ),
        'InvalidRequestException',
        400,
      );
    }
  });

  test('turned on, GetIndexingConfiguration reports the modes and their managed fields', async () => {
    await t.iot.send(
      new UpdateIndexingConfigurationCommand({
        thingIndexingConfiguration: ON,
        thingGroupIndexingConfiguration: { thingGroupIndexingMode: 'ON' },
      }),
    );
    const config = await t.iot.send(new GetIndexingConfigurationCommand({}));
    const thing = config.thingIndexingConfiguration!;
    assert.equal(thing.thingIndexingMode, 'REGISTRY_AND_SHADOW');
    assert.equal(thing.thingConnectivityIndexingMode, 'STATUS');
    assert.equal(thing.namedShadowIndexingMode, 'ON');
    assert.deepEqual(thing.filter?.namedShadowNames, ['config']);
    const managed = thing.managedFields!.map((f) => f.name);
    for (const f of ['thingName', 'thingGroupNames', 'shadow.hasDelta', 'connectivity.connected']) {
      assert.ok(managed.includes(f), f);
    }
    assert.equal(config.thingGroupIndexingConfiguration?.thingGroupIndexingMode, 'ON');
  });

  test('SearchIndex answers ThingDocuments in AWS’s shape: registry, shadow as a JSON string, connectivity', async () => {
    await t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'LightBulb' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'LightBulbs' }));
    await t.iot.send(
      new CreateThingCommand({
        thingName: 'MyLightBulb',
        thingTypeName: 'LightBulb',
        attributePayload: { attributes: { model: '123', wattage: '75', floor: '2' } },
      }),
    );
    await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'LightBulbs', thingName: 'MyLightBulb' }));
    await shadow('MyLightBulb', { state: { desired: { on: true }, reported: { on: false, temperature: 71.5 } } });
    await shadow('MyLightBulb', { state: { reported: { fw: '1.2.3' } } }, 'config');
    await t.iot.send(
      new CreateThingCommand({ thingName: 'ThirdBulb', attributePayload: { attributes: { floor: '3' } } }),
    );

    const out = await search('thingName:MyLightBulb');
    assert.equal(out.things?.length, 1);
    const doc = out.things![0]!;
    assert.equal(doc.thingName, 'MyLightBulb');
    assert.match(doc.thingId!, /^[0-9a-f-]{36}$/);
    assert.equal(doc.thingTypeName, 'LightBulb');
    assert.deepEqual(doc.thingGroupNames, ['LightBulbs']);
    assert.deepEqual(doc.attributes, { model: '123', wattage: '75', floor: '2' });
    assert.deepEqual(doc.connectivity, { connected: false }, 'never connected');
    const s = JSON.parse(doc.shadow!);
    assert.deepEqual(s.desired, { on: true });
    assert.deepEqual(s.reported, { on: false, temperature: 71.5 });
    assert.equal(s.hasDelta, true);
    assert.equal(s.version, 1);
    assert.deepEqual(s.name.config.reported, { fw: '1.2.3' });

    const third = (await search('thingName:ThirdBulb')).things![0]!;
    assert.equal(third.shadow, undefined, 'no shadow, no shadow member');
    assert.equal(third.thingGroupNames, undefined);
  });

  test('the query syntax over registry, shadow and named shadow fields', async () => {
    assert.deepEqual(await names('thingTypeName:LightBulb'), ['MyLightBulb']);
    assert.deepEqual(await names('thingName:*Bulb'), ['MyLightBulb', 'ThirdBulb']);
    assert.deepEqual(await names('thingName:MyLight?ulb'), ['MyLightBulb']);
    assert.deepEqual(await names('attributes.floor:[2 TO 3}'), ['MyLightBulb']);
    assert.deepEqual(await names('attributes.floor>2'), ['ThirdBulb']);
    assert.deepEqual(await names('thingGroupNames:LightBulbs'), ['MyLightBulb']);
    assert.deepEqual(await names('shadow.reported.temperature>70 AND shadow.hasDelta:true'), ['MyLightBulb']);
    assert.deepEqual(await names('shadow.desired.on:true'), ['MyLightBulb']);
    assert.deepEqual(await names('shadow.name.config.reported.fw:"1.2.3"'), ['MyLightBulb']);
    assert.deepEqual(await names('thingName:*Bulb AND NOT attributes.model:123'), ['ThirdBulb']);
    assert.deepEqual(await names('(attributes.floor:3 OR thingTypeName:LightBulb) -thingName:ThirdBulb'), [
      'MyLightBulb',
    ]);
    const err = await expectAwsError(() => search('thingName:(a OR b'), 'InvalidQueryException', 400);
    assert.match(err.message, /Expected '\)'/);
  });

  test('connectivity follows the device: connected, then disconnected with AWS’s reason and a timestamp', async () => {
    const creds = await onboardDevice(t, 'conn-1', { name: 'conn-all', document: ALLOW_ALL });
    const before = Date.now();
    const client = await connectDevice(t, creds, 'conn-1');
    const connected = await until(
      () => search('connectivity.connected:true'),
      (o) => (o.things ?? []).some((d) => d.thingName === 'conn-1'),
    );
    const c = connected.things!.find((d) => d.thingName === 'conn-1')!.connectivity!;
    assert.equal(c.connected, true);
    assert.ok(c.timestamp! >= before - 1000, 'timestamp in epoch ms');
    await client.endAsync();
    const gone = await until(
      () => search('thingName:conn-1'),
      (o) => o.things?.[0]?.connectivity?.connected === false,
    );
    assert.deepEqual(
      { connected: gone.things![0]!.connectivity!.connected, reason: gone.things![0]!.connectivity!.disconnectReason },
      { connected: false, reason: 'CLIENT_INITIATED_DISCONNECT' },
    );
    assert.deepEqual(await names('connectivity.disconnectReason:CLIENT_INITIATED_DISCONNECT'), ['conn-1']);
  });

  test('paging with maxResults and nextToken visits every match once; maxResults is at most 100', async () => {
    for (let i = 0; i < 7; i++) await t.iot.send(new CreateThingCommand({ thingName: `page-${i}` }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const out: { things?: ThingDocument[]; nextToken?: string } = await search('thingName:page-*', {
        maxResults: 3,
        nextToken,
      });
      assert.ok((out.things?.length ?? 0) <= 3);
      seen.push(...(out.things ?? []).map((d) => d.thingName!));
      nextToken = out.nextToken;
    } while (nextToken);
    assert.deepEqual(
      seen,
      Array.from({ length: 7 }, (_, i) => `page-${i}`),
    );
    await expectAwsError(() => search('*', { maxResults: 101 }), 'InvalidRequestException', 400);
  });

  test('GetStatistics counts and aggregates; GetCardinality counts distinct values', async () => {
    const all = await t.iot.send(new GetStatisticsCommand({ queryString: 'thingName:*Bulb' }));
    assert.deepEqual(all.statistics, { count: 2 });
    const floors = await t.iot.send(
      new GetStatisticsCommand({ queryString: 'attributes.floor:*', aggregationField: 'attributes.floor' }),
    );
    assert.equal(floors.statistics?.count, 2);
    assert.equal(floors.statistics?.sum, 5);
    assert.equal(floors.statistics?.average, 2.5);
    assert.equal(floors.statistics?.minimum, 2);
    assert.equal(floors.statistics?.maximum, 3);
    await expectAwsError(
      () => t.iot.send(new GetStatisticsCommand({ queryString: 'thingName:*', aggregationField: 'thingName' })),
      'InvalidAggregationException',
      400,
    );
    const distinct = await t.iot.send(
      new GetCardinalityCommand({ queryString: 'thingName:*Bulb', aggregationField: 'attributes.floor' }),
    );
    assert.equal(distinct.cardinality, 2);
    const connected = await t.iot.send(new GetStatisticsCommand({ queryString: 'connectivity.connected:false' }));
    assert.ok((connected.statistics?.count ?? 0) >= 2);
  });

  test('the thing group index answers ThingGroupDocuments', async () => {
    const out = await t.iot.send(
      new SearchIndexCommand({ indexName: 'AWS_ThingGroups', queryString: 'thingGroupName:Light*' }),
    );
    assert.deepEqual(
      out.thingGroups?.map((g) => g.thingGroupName),
      ['LightBulbs'],
    );
  });

  test('dynamic thing groups: members from the query, updated as things change', async () => {
    await t.iot.send(
      new CreatePolicyCommand({ policyName: 'dynamic-group-policy', policyDocument: JSON.stringify(ALLOW_ALL) }),
    );
    const created = await t.iot.send(
      new CreateDynamicThingGroupCommand({ thingGroupName: 'SecondFloor', queryString: 'attributes.floor:2' }),
    );
    assert.equal(created.indexName, 'AWS_Things');
    assert.equal(created.queryString, 'attributes.floor:2');
    assert.equal(created.queryVersion, '2017-09-30');
    const d = await t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'SecondFloor' }));
    assert.equal(d.queryString, 'attributes.floor:2');
    assert.equal(d.status, 'ACTIVE');

    const members = async () =>
      (await t.iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'SecondFloor' }))).things;
    assert.deepEqual(await members(), ['MyLightBulb']);
    await t.iot.send(
      new UpdateThingCommand({ thingName: 'ThirdBulb', attributePayload: { attributes: { floor: '2' }, merge: true } }),
    );
    assert.deepEqual(await members(), ['MyLightBulb', 'ThirdBulb']);
    const groups = await t.iot.send(new ListThingGroupsForThingCommand({ thingName: 'ThirdBulb' }));
    assert.deepEqual(
      groups.thingGroups?.map((g) => g.groupName),
      ['SecondFloor'],
    );

    await expectAwsError(
      () => t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'SecondFloor', thingName: 'page-1' })),
      'InvalidRequestException',
      400,
    );
    // AWS applies no policies through dynamic groups, so it takes none: the attachment is refused, not ignored.
    const attach = await expectAwsError(
      () => t.iot.send(new AttachPolicyCommand({ policyName: 'dynamic-group-policy', target: created.thingGroupArn! })),
      'InvalidRequestException',
      400,
    );
    assert.match(attach.message, /dynamic thing groups can't have policies/);
    const attachedToGroup = await t.iot.send(new ListAttachedPoliciesCommand({ target: created.thingGroupArn! }));
    assert.deepEqual(attachedToGroup.policies, []);
    await expectAwsError(
      () => t.iot.send(new CreateDynamicThingGroupCommand({ thingGroupName: 'Broken', queryString: 'thingName:(' })),
      'InvalidQueryException',
      400,
    );

    const updated = await t.iot.send(
      new UpdateDynamicThingGroupCommand({
        thingGroupName: 'SecondFloor',
        thingGroupProperties: { thingGroupDescription: 'Bulbs with a type on floor 2' },
        queryString: 'attributes.floor:2 AND thingTypeName:LightBulb',
      }),
    );
    assert.equal(updated.version, 2);
    assert.deepEqual(await members(), ['MyLightBulb']);

    const off = await expectAwsError(
      () =>
        t.iot.send(
          new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' } }),
        ),
      'InvalidRequestException',
      400,
    );
    assert.match(off.message, /SecondFloor/);
    await t.iot.send(new DeleteDynamicThingGroupCommand({ thingGroupName: 'SecondFloor' }));
    await expectAwsError(
      () => t.iot.send(new DescribeThingGroupCommand({ thingGroupName: 'SecondFloor' })),
      'ResourceNotFoundException',
      404,
    );
  });
});

describe('fleet indexing across restarts', () => {
  test('the configuration and last-seen connectivity survive; a connection open at shutdown reads disconnected', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-emu-index-'));
    try {
      const a = await startTestEmulator({ dataDir, fleetIndexing: true });
      const config = await a.iot.send(new GetIndexingConfigurationCommand({}));
      assert.equal(config.thingIndexingConfiguration?.thingIndexingMode, 'REGISTRY_AND_SHADOW', 'fleetIndexing: on');
      assert.equal(config.thingIndexingConfiguration?.thingConnectivityIndexingMode, 'STATUS');
      const creds = await onboardDevice(a, 'restart-1', { name: 'restart-all', document: ALLOW_ALL });
      await connectDevice(a, creds, 'restart-1');
      await until(
        () => a.iot.send(new SearchIndexCommand({ queryString: 'connectivity.connected:true' })),
        (o) => (o.things ?? []).length === 1,
      );
      // Turned partly off by the operator: a later start with fleetIndexing keeps the account's choice.
      await a.iot.send(
        new UpdateIndexingConfigurationCommand({
          thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY', thingConnectivityIndexingMode: 'STATUS' },
        }),
      );
      await a.close();

      const b = await startTestEmulator({ dataDir, fleetIndexing: true });
      const kept = await b.iot.send(new GetIndexingConfigurationCommand({}));
      assert.equal(kept.thingIndexingConfiguration?.thingIndexingMode, 'REGISTRY');
      const doc = (await b.iot.send(new SearchIndexCommand({ queryString: 'thingName:restart-1' }))).things![0]!;
      assert.equal(doc.connectivity?.connected, false);
      assert.ok(doc.connectivity?.timestamp, 'last seen is kept');
      await b.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
