import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateThingCommand, DeleteThingCommand } from '@aws-sdk/client-iot';

import { pointDashboardAt, startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import {
  forgetThing,
  getThingIndex,
  invalidateThingIndex,
  lowerBound,
  peekThingIndex,
  rememberThing,
  searchThingIndex,
  type IndexedThing,
} from './thing-index';

const thing = (name: string, typeName?: string, attributes: Record<string, string> = {}): IndexedThing => ({
  name,
  typeName,
  attributes,
  version: 1,
});

describe('searchThingIndex (pure)', () => {
  const things = ['a-1', 'b-1', 'b-2', 'b-20', 'b-3', 'c'].map((n, i) =>
    thing(n, i % 2 ? 'gw' : undefined, { site: i < 3 ? 'lab' : 'hall' }),
  );

  test('a prefix is one contiguous run of the sorted names', () => {
    assert.deepEqual(
      searchThingIndex(things, { prefix: 'b-' }, 1, 10).things.map((t) => t.name),
      ['b-1', 'b-2', 'b-20', 'b-3'],
    );
    assert.deepEqual(
      searchThingIndex(things, { prefix: 'b-2' }, 1, 10).things.map((t) => t.name),
      ['b-2', 'b-20'],
    );
    assert.equal(searchThingIndex(things, { prefix: 'zz' }, 1, 10).total, 0);
  });

  test('type, attribute and a name set narrow the matches', () => {
    assert.deepEqual(
      searchThingIndex(things, { prefix: 'b', typeName: 'gw' }, 1, 10).things.map((t) => t.name),
      ['b-1', 'b-20'],
    );
    assert.deepEqual(
      searchThingIndex(things, { attributeName: 'site', attributeValue: 'lab' }, 1, 10).things.map((t) => t.name),
      ['a-1', 'b-1', 'b-2'],
    );
    assert.deepEqual(
      searchThingIndex(things, { names: new Set(['c', 'a-1']) }, 1, 10).things.map((t) => t.name),
      ['a-1', 'c'],
    );
  });

  test('pages are cut locally and clamped to the last one', () => {
    const page2 = searchThingIndex(things, {}, 2, 4);
    assert.deepEqual(page2, { things: things.slice(4), total: 6, page: 2, pages: 2 });
    assert.equal(searchThingIndex(things, {}, 99, 4).page, 2);
    assert.deepEqual(searchThingIndex([], {}, 1, 4), { things: [], total: 0, page: 1, pages: 1 });
  });

  test('lowerBound finds the insertion point', () => {
    assert.equal(lowerBound(things, 'b-2'), 2);
    assert.equal(lowerBound(things, 'b-25'), 4);
    assert.equal(lowerBound(things, ''), 0);
    assert.equal(lowerBound(things, 'zz'), 6);
  });
});

describe('the thing index against the emulator', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
    pointDashboardAt(t);
    // 600 things: three ListThings pages of 250.
    await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        t.iot.send(new CreateThingCommand({ thingName: `idx-${String(i).padStart(4, '0')}` })),
      ),
    );
  });
  after(async () => {
    invalidateThingIndex();
    await t.close();
  });

  test('pages through ListThings at 250 per call and keeps the result for later requests', async () => {
    invalidateThingIndex();
    assert.equal(peekThingIndex(), undefined);
    const [a, b] = await Promise.all([getThingIndex(), getThingIndex()]);
    assert.equal(a, b, 'concurrent requests share one build');
    assert.equal(a.things.length, 600);
    assert.equal(a.truncated, false);
    assert.equal(peekThingIndex(), a);
    assert.equal(searchThingIndex(a.things, { prefix: 'idx-05' }, 1, 25).total, 100);
  });

  test("this app's own changes patch the index; outside changes wait for a refresh", async () => {
    const index = await getThingIndex();
    rememberThing({ name: 'idx-0000a', typeName: undefined, attributes: { k: 'v' }, version: 1 });
    forgetThing('idx-0001');
    assert.deepEqual(
      searchThingIndex(index.things, { prefix: 'idx-000' }, 1, 5).things.map((x) => x.name),
      ['idx-0000', 'idx-0000a', 'idx-0002', 'idx-0003', 'idx-0004'],
    );
    await t.iot.send(new DeleteThingCommand({ thingName: 'idx-0599' }));
    assert.equal((await getThingIndex()).things.length, 600);
    const refreshed = await getThingIndex({ refresh: true });
    assert.equal(refreshed.things.length, 599);
  });
});
