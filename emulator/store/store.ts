import { Collection, type IndexKeyFn } from '../../lib/store/collection';
import { Journal, type Mutation, type Snapshot } from '../../lib/store/journal';
import type { CollectionName, Collections } from './records';

type CollectionMap = { [C in CollectionName]: Collection<Collections[C]> };

/** The writes of one transaction; nothing is visible until `Store.commit` has journalled them all. */
export class Transaction {
  readonly mutations: Mutation[] = [];
  put<C extends CollectionName>(collection: C, key: string, value: Collections[C]): this {
    this.mutations.push([collection, key, value]);
    return this;
  }
  delete(collection: CollectionName, key: string): this {
    this.mutations.push([collection, key]);
    return this;
  }
}

function makeCollections(): CollectionMap {
  const idx = <V>(defs: Record<string, IndexKeyFn<V>>) => new Collection<V>(defs);
  return {
    things: idx({ type: (t) => t.thingTypeName }),
    thingTypes: idx({}),
    thingGroups: idx({ parent: (g) => g.parentGroupName }),
    thingGroupMembers: idx({ thing: (m) => m.thingName, group: (m) => m.thingGroupName }),
    certificates: idx({ ca: (c) => c.caCertificateId }),
    caCertificates: idx({}),
    policies: idx({}),
    policyAttachments: idx({ policy: (a) => a.policyName, target: (a) => a.target }),
    thingPrincipals: idx({ thing: (p) => p.thingName, principal: (p) => p.principal }),
    meta: idx({}),
    shadows: idx({ thing: (s) => s.thingName }),
    retained: idx({}),
  };
}

/**
 * The emulator's state: typed collections in memory, made durable by a journal. Handlers read the
 * collections directly and change them only with `commit`, synchronously after any await, so that a
 * check and the write it guards cannot interleave with another request.
 */
export class Store {
  readonly c: CollectionMap = makeCollections();
  private readonly journal: Journal | undefined;
  private readonly listeners = new Set<(mutations: readonly Mutation[]) => void>();

  /**
   * `dir` undefined keeps everything in memory (unit tests). After `snapshotEvery` journalled
   * transactions the state is folded into a new snapshot, which bounds replay time at start.
   */
  constructor(
    dir: string | undefined,
    private readonly snapshotEvery = 20_000,
  ) {
    if (!dir) return;
    this.journal = Journal.open(dir, {
      snapshot: (s) => this.load(s),
      transaction: (m) => this.applyAll(m),
    });
  }

  commit(build: (tx: Transaction) => void): void;
  commit(tx: Transaction): void;
  commit(arg: Transaction | ((tx: Transaction) => void)): void {
    const tx = arg instanceof Transaction ? arg : new Transaction();
    if (!(arg instanceof Transaction)) arg(tx);
    if (tx.mutations.length === 0) return;
    this.journal?.append(tx.mutations);
    this.applyAll(tx.mutations);
    if (this.journal && this.journal.pendingLines >= this.snapshotEvery) this.snapshot();
    for (const listener of this.listeners) listener(tx.mutations);
  }

  /**
   * Hears every committed transaction, after it is durable and visible (the broker uses it to cut off
   * connections whose certificate was deactivated or revoked). Returns the unsubscribe function.
   */
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

  close(): void {
    if (!this.journal) return;
    if (this.journal.pendingLines > 0) this.snapshot();
    this.journal.close();
  }

  private load(snapshot: Snapshot) {
    for (const [name, rows] of Object.entries(snapshot.collections)) {
      const coll = this.c[name as CollectionName] as Collection<unknown> | undefined;
      if (!coll) continue; // a collection this version no longer keeps
      for (const [k, v] of rows) coll.apply(k, v);
    }
  }

  private applyAll(mutations: Mutation[]) {
    for (const [name, key, value] of mutations) {
      const coll = this.c[name as CollectionName] as Collection<unknown> | undefined;
      coll?.apply(key, value);
    }
  }
}
