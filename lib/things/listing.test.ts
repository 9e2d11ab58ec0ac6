import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddThingToThingGroupCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  CreateThingTypeCommand,
} from '@aws-sdk/client-iot';

import { pointDashboardAt, startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { forgetFleetIndexingSettings } from '../fleet/indexing-settings';
import { invalidateThingIndex } from './thing-index';
import { fleetIndexQuery, loadThingsListing, planThingsListing } from './listing';
import type { ThingsQuery } from './query';

const query = (q: Partial<ThingsQuery> = {}): ThingsQuery => ({ page: 1, refresh: false, ...q });

describe('planning the things list (pure)', () => {
  test('no filter, a type or an attribute: ListThings filters them itself', () => {
    assert.equal(planThingsListing(query()), 'list-things');
    assert.equal(planThingsListing(query({ typeName: 'gw' })), 'list-things');
    assert.equal(planThingsListing(query({ attributeName: 'site', attributeValue: 'lab' })), 'list-things');
  });

  test('a group alone pages through the group; with any other filter it is searched in the index', () => {
    assert.equal(planThingsListing(query({ groupName: 'lab' })), 'group-members');
    assert.equal(planThingsListing(query({ groupName: 'lab', typeName: 'gw' })), 'index-search');
    assert.equal(planThingsListing(query({ groupName: 'lab', prefix: 'a' })), 'index-search');
  });

  test('a name prefix, which ListThings cannot do, is searched in the index', () => {
    assert.equal(planThingsListing(query({ prefix: 'sensor-' })), 'index-search');
    assert.equal(planThingsListing(query({ prefix: 'sensor-', typeName: 'gw' })), 'index-search');
  });

  test('with fleet indexing on in the account, those searches go to AWS’s fleet index instead', () => {
    const on = { fleetIndexing: true };
    assert.equal(planThingsListing(query({ prefix: 'sensor-' }), on), 'fleet-index');
    assert.equal(planThingsListing(query({ groupName: 'lab', typeName: 'gw' }), on), 'fleet-index');
    assert.equal(planThingsListing(query({ groupName: 'lab' }), on), 'group-members');
    assert.equal(planThingsListing(query({ typeName: 'gw' }), on), 'list-things');
  });

  test('the filters become one query whose values match literally', () => {
    assert.equal(
      fleetIndexQuery(query({ prefix: 'a:b-c', typeName: 'gw', groupName: 'lab' })),
      'thingName:a\\:b\\-c* AND thingTypeName:"gw" AND thingGroupNames:"lab"',
    );
    assert.equal(
      fleetIndexQuery(query({ attributeName: 'loc/room', attributeValue: 'say "hi"' })),
      'attributes.loc\\/room:"say \\"hi\\""',
    );
  });
});

describe('loading the things list against the emulator', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
    pointDashboardAt(t);
    invalidateThingIndex();
    await t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'gw' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'lab' }));
    for (let i = 0; i < 30; i++) {
      const thingName = `sensor-${String(i).padStart(2, '0')}`;
      await t.iot.send(
        new CreateThingCommand({
          thingName,
          thingTypeName: i % 3 === 0 ? 'gw' : undefined,
          attributePayload: { attributes: { site: i < 10 ? 'lab' : 'hall' } },
        }),
      );
      if (i % 2 === 0) await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'lab', thingName }));
    }
    await t.iot.send(new CreateThingCommand({ thingName: 'other-1' }));
  });
  after(async () => {
    invalidateThingIndex();
    await t.close();
  });

  const names = (l: { things: { name: string }[] }) => l.things.map((x) => x.name);

  test('without filters: one ListThings page with a next-page token', async () => {
    const first = await loadThingsListing(query());
    assert.equal(first.kind, 'token');
    assert.equal(first.things.length, 25);
    assert.ok(first.kind === 'token' && first.nextToken);
    const second = await loadThingsListing(query({ nextToken: first.kind === 'token' ? first.nextToken : undefined }));
    assert.equal(second.things.length, 6);
  });

  test('a name prefix is served from the index, with the count of matches and pages', async () => {
    const l = await loadThingsListing(query({ prefix: 'sensor-1' }));
    assert.equal(l.kind, 'indexed');
    assert.deepEqual(
      names(l),
      Array.from({ length: 10 }, (_, i) => `sensor-1${i}`),
    );
    assert.ok(l.kind === 'indexed' && l.total === 10 && l.pages === 1 && l.searched === 31);
  });

  test('a group alone lists its members with their details', async () => {
    const l = await loadThingsListing(query({ groupName: 'lab' }));
    assert.equal(l.kind, 'token');
    assert.equal(l.things.length, 15);
    const member = l.things.find((x) => x.name === 'sensor-00');
    assert.deepEqual(member?.attributes, { site: 'lab' });
  });

  test('a group with a type is the intersection, searched among the members', async () => {
    const l = await loadThingsListing(query({ groupName: 'lab', typeName: 'gw' }));
    assert.equal(l.kind, 'indexed');
    assert.deepEqual(names(l), ['sensor-00', 'sensor-06', 'sensor-12', 'sensor-18', 'sensor-24']);
    assert.ok(l.kind === 'indexed' && l.searched === 15);
  });

  test('an attribute filter goes to ListThings', async () => {
    const l = await loadThingsListing(query({ attributeName: 'site', attributeValue: 'lab' }));
    assert.equal(l.kind, 'token');
    assert.equal(l.things.length, 10);
  });
});

describe('searching the things list with fleet indexing on (local mode)', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator({ fleetIndexing: true });
    pointDashboardAt(t);
    forgetFleetIndexingSettings();
    invalidateThingIndex();
    await t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'gw' }));
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'lab' }));
    for (let i = 0; i < 30; i++) {
      const thingName = `probe-${String(i).padStart(2, '0')}`;
      await t.iot.send(
        new CreateThingCommand({
          thingName,
          thingTypeName: i % 3 === 0 ? 'gw' : undefined,
          attributePayload: { attributes: { site: i < 10 ? 'lab' : 'hall' } },
        }),
      );
      if (i % 2 === 0) await t.iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'lab', thingName }));
    }
  });
  after(async () => {
    forgetFleetIndexingSettings();
    await t.close();
  });

  test('a name prefix is one SearchIndex page with the number of matches, paged with nextToken', async () => {
    const first = await loadThingsListing(query({ prefix: 'probe-' }));
    assert.equal(first.kind, 'fleet-index');
    assert.ok(first.kind === 'fleet-index' && first.total === 30 && first.nextToken);
    assert.equal(first.things.length, 25);
    const second = await loadThingsListing(
      query({ prefix: 'probe-', nextToken: first.kind === 'fleet-index' ? first.nextToken : undefined }),
    );
    assert.deepEqual(
      second.things.map((x) => x.name),
      ['probe-25', 'probe-26', 'probe-27', 'probe-28', 'probe-29'],
    );
    assert.deepEqual(first.things[0]?.attributes, { site: 'lab' });
  });

  test('a group with a type and an attribute: one query, every filter applied by the index', async () => {
    const l = await loadThingsListing(
      query({ groupName: 'lab', typeName: 'gw', attributeName: 'site', attributeValue: 'lab' }),
    );
    assert.equal(l.kind, 'fleet-index');
    assert.deepEqual(
      l.things.map((x) => x.name),
      ['probe-00', 'probe-06'],
    );
    assert.ok(l.kind === 'fleet-index' && l.total === 2);
  });
});
