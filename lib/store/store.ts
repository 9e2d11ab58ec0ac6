import { Collection, type IndexKeyFn } from './collection';
import { Journal, type Mutation, type Snapshot } from './journal';

/**
 * The one durable-store abstraction: typed collections in memory, made durable by the journal (a write(2) of
 * each transaction before the caller goes on, so a crash, SIGKILL included, loses nothing acknowledged;
 * snapshots bound replay time), with commit listeners. `R` maps each collection's name to its record type;
 * records are plain JSON and replaced whole, never mutated in place.
 *
 * The emulator's registry (emulator/store/store.ts) is one instance; any other durable state of the app
 * (bulk jobs) can be another: `new DurableStore<Records>({ jobs: {}, states: { job: (s) => s.jobId } }, { dir })`.
 */

export type { Mutation } from './journal';

/** The secondary indexes of every collection, by collection name: index name -> the record's key under it. */
export type IndexDefinitions<R> = { [C in keyof R]: Record<string, IndexKeyFn<R[C]>> };

/** What may be asked of a collection, committed (a Collection) or as a transaction sees it. */
export interface CollectionReader<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Primary keys of the records with `indexKey` under the named index (in no particular order). */
  keysBy(index: string, indexKey: string): string[];
  findBy(index: string, indexKey: string): V[];
  values(): IterableIterator<V>;
}

/** Read access to every collection: what rules that may run inside a transaction take. */
export interface StoreReader<R> {
  readonly c: { readonly [C in keyof R]: CollectionReader<R[C]> };
}

export class StoreClosedError extends Error {
  constructor() {
    super('The store is closed.');
    this.name = 'StoreClosedError';
  }
}

/**
 * The writes of one transaction; nothing is visible to others until `DurableStore.commit` has journalled them
 * all. Its own reads (`tx.c.things.get(...)`) see the committed state with its pending writes laid over it, so
 * that rules checked one after another inside one transaction (just-in-time provisioning creates a policy and
 * attaches it) see what the earlier ones staged.
 */
export class Transaction<R> implements StoreReader<R> {
  readonly mutations: Mutation[] = [];
  readonly c: { readonly [C in keyof R]: CollectionReader<R[C]> };
  private readonly pending = new Map<keyof R, Map<string, unknown>>();

  constructor(committed: { readonly [C in keyof R]: Collection<R[C]> }) {
    const views = {} as { [C in keyof R]: CollectionReader<R[C]> };
    for (const name of Object.keys(committed) as (keyof R)[]) {
      const writes = new Map<string, unknown>();
      this.pending.set(name, writes);
      views[name] = new PendingView(committed[name], writes as Map<string, R[typeof name] | undefined>);
    }
    this.c = views;
  }

  put<C extends keyof R & string>(collection: C, key: string, value: R[C]): this {
    this.mutations.push([collection, key, value]);
    this.pending.get(collection)?.set(key, value);
    return this;
  }

  delete(collection: keyof R & string, key: string): this {
    this.mutations.push([collection, key]);
    this.pending.get(collection)?.set(key, undefined);
    return this;
  }
}

/** A committed collection with a transaction's pending writes (undefined: deleted) laid over it. */
class PendingView<V> implements CollectionReader<V> {
  constructor(
    private readonly committed: Collection<V>,
    private readonly writes: Map<string, V | undefined>,
  ) {}

  get(key: string): V | undefined {
    return this.writes.has(key) ? this.writes.get(key) : this.committed.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keysBy(index: string, indexKey: string): string[] {
    const committed = this.committed.keysBy(index, indexKey);
    if (this.writes.size === 0) return committed;
    const keys = new Set(committed);
    for (const [key, value] of this.writes) {
      if (value !== undefined && this.committed.indexKeyOf(index, value) === indexKey) keys.add(key);
      else keys.delete(key);
    }
    return [...keys];
  }

  findBy(index: string, indexKey: string): V[] {
    return this.keysBy(index, indexKey).map((k) => this.get(k) as V);
  }

  *values(): IterableIterator<V> {
    for (const [key, value] of this.committed.entries()) if (!this.writes.has(key)) yield value;
    for (const value of this.writes.values()) if (value !== undefined) yield value;
  }
}

export interface DurableStoreOptions {
  /** Where the journal and snapshot live; undefined keeps everything in memory (unit tests). */
  dir?: string;
  /** Journalled transactions between snapshots. */
  snapshotEvery?: number;
}

export class DurableStore<R> implements StoreReader<R> {
  readonly c: { readonly [C in keyof R]: Collection<R[C]> };
  private readonly journal: Journal | undefined;
  private readonly snapshotEvery: number;
  private readonly listeners = new Set<(mutations: readonly Mutation[]) => void>();
  private closed = false;

  constructor(indexes: IndexDefinitions<R>, opts: DurableStoreOptions = {}) {
    const collections = {} as { [C in keyof R]: Collection<R[C]> };
    for (const name of Object.keys(indexes) as (keyof R)[]) collections[name] = new Collection(indexes[name]);
    this.c = collections;
    this.snapshotEvery = opts.snapshotEvery ?? 20_000;
    if (!opts.dir) return;
    this.journal = Journal.open(opts.dir, {
      snapshot: (s) => this.load(s),
      transaction: (m) => this.applyAll(m),
    });
  }

  /** A transaction over the current state, to fill and hand to `commit`; build and commit it without an await between. */
  transaction(): Transaction<R> {
    return new Transaction(this.c);
  }

  /**
   * Writes one transaction: journalled (write(2)) first, then visible, then heard by the listeners. With a
   * function, it builds the transaction and its result is returned; if it throws, nothing is written. Callers
   * check and commit synchronously after any await, so a check and the write it guards cannot interleave with
   * another request.
   */
  commit<T>(build: (tx: Transaction<R>) => T): T;
  commit(tx: Transaction<R>): void;
  commit<T>(arg: Transaction<R> | ((tx: Transaction<R>) => T)): T | undefined {
    if (this.closed) throw new StoreClosedError();
    let tx: Transaction<R>;
    let result: T | undefined;
    if (arg instanceof Transaction) tx = arg;
    else {
      tx = this.transaction();
      result = arg(tx);
    }
    if (tx.mutations.length === 0) return result;
    this.journal?.append(tx.mutations);
    this.applyAll(tx.mutations);
    if (this.journal && this.journal.pendingLines >= this.snapshotEvery) this.snapshot();
    for (const listener of this.listeners) listener(tx.mutations);
    return result;
  }

  /** Hears every committed transaction, after it is durable and visible. Returns the unsubscribe function. */
  onCommit(listener: (mutations: readonly Mutation[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Folds the journal into a fresh snapshot. */
  snapshot(): void {
    if (!this.journal) return;
    const collections: Snapshot['collections'] = {};
    for (const [name, coll] of Object.entries(this.c) as [string, Collection<unknown>][]) {
      collections[name] = [...coll.entries()];
    }
    this.journal.writeSnapshot({ format: 1, collections });
  }

  /** Closes the journal (after a final snapshot). Commits after this throw StoreClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.journal) return;
    if (this.journal.pendingLines > 0) this.snapshot();
    this.journal.close();
  }

  /** Stops all writes at once, as a crash would (no snapshot, nothing more journalled): for tests. */
  crash(): void {
    this.closed = true;
    this.journal?.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private load(snapshot: Snapshot) {
    for (const [name, rows] of Object.entries(snapshot.collections)) {
      const coll = this.collection(name);
      if (!coll) continue; // a collection this version no longer keeps
      for (const [k, v] of rows) coll.apply(k, v);
    }
  }

  private applyAll(mutations: readonly Mutation[]) {
    for (const [name, key, value] of mutations) this.collection(name)?.apply(key, value);
  }

  private collection(name: string): Collection<unknown> | undefined {
    return Object.hasOwn(this.c, name) ? (this.c[name as keyof R] as Collection<unknown>) : undefined;
  }
}
