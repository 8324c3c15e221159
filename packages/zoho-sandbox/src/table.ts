/**
 * One entity's records in insertion order, with tombstones for deleted ones
 * (a DELETE webhook still carries the record) and a version that changes on
 * every write so list caches know when to rebuild.
 */
export class SandboxTable<T> {
  private readonly records = new Map<string, T>();
  private readonly tombstones = new Map<string, { record: T; deletedAt: number }>();
  private cachedList: T[] | undefined;
  version = 0;

  constructor(
    readonly idOf: (record: T) => string,
    records: Iterable<T> = [],
  ) {
    for (const record of records) this.records.set(idOf(record), record);
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  /** Live records in insertion order (cached until the next write). */
  list(): readonly T[] {
    this.cachedList ??= [...this.records.values()];
    return this.cachedList;
  }

  insert(record: T): void {
    const id = this.idOf(record);
    this.records.set(id, record);
    this.tombstones.delete(id);
    this.cachedList = undefined;
    this.touch();
  }

  /** Marks an in-place change. */
  touch(): void {
    this.version++;
  }

  remove(id: string, at: number): T | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    this.records.delete(id);
    this.tombstones.set(id, { record, deletedAt: at });
    this.cachedList = undefined;
    this.touch();
    return record;
  }

  deleted(id: string): T | undefined {
    return this.tombstones.get(id)?.record;
  }

  deletedIds(): string[] {
    return [...this.tombstones.keys()];
  }
}
