/**
 * One in-memory collection of records keyed by string, with secondary indexes and a cached sorted key
 * list for stable pagination. Mutations come only through the DurableStore so that each is journalled first.
 */
export type IndexKeyFn<V> = (value: V) => string | undefined;

export class Collection<V> {
  private readonly rows = new Map<string, V>();
  private readonly indexes = new Map<string, { keyOf: IndexKeyFn<V>; entries: Map<string, Set<string>> }>();
  private sorted: string[] | undefined;

  constructor(indexDefs: Record<string, IndexKeyFn<V>> = {}) {
    for (const [name, keyOf] of Object.entries(indexDefs)) this.indexes.set(name, { keyOf, entries: new Map() });
  }

  get size() {
    return this.rows.size;
  }

  get(key: string): V | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  values(): IterableIterator<V> {
    return this.rows.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.rows.entries();
  }

  /** Primary keys whose record has `indexKey` under the named index. */
  keysBy(index: string, indexKey: string): string[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index}`);
    return [...(idx.entries.get(indexKey) ?? [])];
  }

  /** Records whose record has `indexKey` under the named index. */
  findBy(index: string, indexKey: string): V[] {
    return this.keysBy(index, indexKey).map((k) => this.rows.get(k) as V);
  }

  /** The key `value` has under the named index (what a transaction uses to index its own pending writes). */
  indexKeyOf(index: string, value: V): string | undefined {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`no index ${index}`);
    return idx.keyOf(value);
  }

  /** All keys in code-point order; cached until the next insert or delete. */
  sortedKeys(): readonly string[] {
    if (!this.sorted) this.sorted = [...this.rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sorted;
  }

  /** @internal applied by the DurableStore after the journal write. */
  apply(key: string, value: V | undefined): void {
    const old = this.rows.get(key);
    if (old !== undefined) this.unindex(key, old);
    if (value === undefined) {
      if (old !== undefined) {
        this.rows.delete(key);
        this.sorted = undefined;
      }
      return;
    }
    if (old === undefined) this.sorted = undefined;
    this.rows.set(key, value);
    for (const { keyOf, entries } of this.indexes.values()) {
      const ik = keyOf(value);
      if (ik === undefined) continue;
      let set = entries.get(ik);
      if (!set) entries.set(ik, (set = new Set()));
      set.add(key);
    }
  }

  clear(): void {
    this.rows.clear();
    for (const idx of this.indexes.values()) idx.entries.clear();
    this.sorted = undefined;
  }

  private unindex(key: string, value: V) {
    for (const { keyOf, entries } of this.indexes.values()) {
      const ik = keyOf(value);
      if (ik === undefined) continue;
      const set = entries.get(ik);
      set?.delete(key);
      if (set && set.size === 0) entries.delete(ik);
    }
  }
}
