import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DurableStore, StoreClosedError, type IndexDefinitions } from './store';

interface Job {
  id: string;
  createdAt: number;
}
interface DeviceState {
  jobId: string;
  index: number;
  status: string;
}
interface Records {
  jobs: Job;
  states: DeviceState;
}

const INDEXES: IndexDefinitions<Records> = { jobs: {}, states: { job: (s) => s.jobId } };
const open = (dir?: string, snapshotEvery?: number) => new DurableStore<Records>(INDEXES, { dir, snapshotEvery });

describe('DurableStore', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-store-'));
    dirs.push(d);
    return d;
  };

  test('what was committed is there after a reopen, from the journal and from a snapshot', () => {
    const dir = tempDir();
    const first = open(dir, 3);
    for (let i = 0; i < 5; i++) first.commit((tx) => tx.put('jobs', `j${i}`, { id: `j${i}`, createdAt: i }));
    first.commit((tx) => tx.delete('jobs', 'j0'));
    assert.ok(fs.existsSync(path.join(dir, 'snapshot.json')), 'a snapshot was folded after 3 transactions');
    // Reopen without closing: what a crash leaves.
    const second = open(dir, 3);
    assert.deepEqual([...second.c.jobs.sortedKeys()], ['j1', 'j2', 'j3', 'j4']);
    assert.deepEqual(second.c.jobs.get('j4'), { id: 'j4', createdAt: 4 });
    first.crash();
    second.close();
  });

  test('a transaction reads its own pending writes, indexes included, before anyone else sees them', () => {
    const store = open();
    store.commit((tx) => tx.put('states', 'a/1', { jobId: 'a', index: 1, status: 'done' }));
    store.commit((tx) => {
      tx.put('states', 'a/2', { jobId: 'a', index: 2, status: 'new' });
      tx.put('states', 'a/1', { jobId: 'b', index: 1, status: 'moved' });
      assert.deepEqual(tx.c.states.keysBy('job', 'a'), ['a/2']);
      assert.deepEqual(
        tx.c.states.findBy('job', 'b').map((s) => s.status),
        ['moved'],
      );
      tx.delete('states', 'a/2');
      assert.equal(tx.c.states.has('a/2'), false);
      assert.equal([...tx.c.states.values()].length, 1);
      // Not visible outside the transaction until it commits.
      assert.equal(store.c.states.get('a/1')!.status, 'done');
    });
    assert.equal(store.c.states.get('a/1')!.jobId, 'b');
    assert.deepEqual(store.c.states.keysBy('job', 'a'), []);
  });

  test('a build that throws writes nothing; a build returns its result', () => {
    const dir = tempDir();
    const store = open(dir);
    assert.throws(
      () =>
        store.commit((tx) => {
          tx.put('jobs', 'half', { id: 'half', createdAt: 1 });
          throw new Error('a rule said no');
        }),
      /a rule said no/,
    );
    assert.equal(store.c.jobs.has('half'), false);
    assert.equal(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8'), '', 'nothing journalled');
    const made = store.commit((tx) => {
      tx.put('jobs', 'whole', { id: 'whole', createdAt: 2 });
      return 'made';
    });
    assert.equal(made, 'made');
    store.close();
  });

  test('listeners hear each commit once it is visible, and stop when unsubscribed', () => {
    const store = open();
    const heard: string[] = [];
    const stop = store.onCommit((mutations) => {
      for (const [collection, key] of mutations) heard.push(`${collection}/${key}:${store.c.jobs.has(key)}`);
    });
    store.commit((tx) => tx.put('jobs', 'x', { id: 'x', createdAt: 1 }));
    store.commit(() => {}); // an empty transaction is not a commit
    stop();
    store.commit((tx) => tx.delete('jobs', 'x'));
    assert.deepEqual(heard, ['jobs/x:true']);
  });

  test('a closed or crashed store refuses writes; a crash keeps what was committed before it', () => {
    const dir = tempDir();
    const store = open(dir);
    store.commit((tx) => tx.put('jobs', 'before', { id: 'before', createdAt: 1 }));
    store.crash();
    assert.equal(store.isClosed, true);
    assert.throws(() => store.commit((tx) => tx.put('jobs', 'after', { id: 'after', createdAt: 2 })), StoreClosedError);
    const reopened = open(dir);
    assert.deepEqual([...reopened.c.jobs.sortedKeys()], ['before']);
    reopened.close();
    assert.throws(() => reopened.commit((tx) => tx.delete('jobs', 'before')), StoreClosedError);
  });

  test('a snapshot naming a collection this version does not keep still loads the rest', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'snapshot.json'),
      JSON.stringify({ format: 1, collections: { gone: [['k', 1]], jobs: [['j', { id: 'j', createdAt: 1 }]] } }),
    );
    const store = open(dir);
    assert.deepEqual(store.c.jobs.get('j'), { id: 'j', createdAt: 1 });
    store.close();
  });
});
