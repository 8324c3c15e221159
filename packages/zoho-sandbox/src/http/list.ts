import type { ListQuery } from './list-query';
import { invalidValue } from './respond';

export interface ListSpec<T> {
  /** Stable name for caching (e.g. "books:items"). */
  name: string;
  /** Key of the array in the response (`items`, `contacts`, …). */
  key: string;
  reportName: string;
  records: () => readonly T[];
  /** Changes whenever the records change, so cached orderings are rebuilt. */
  version: () => number;
  idOf: (record: T) => string;
  sortColumns: Record<string, (record: T) => string | number>;
  defaultSort: { column: string; order: 'A' | 'D' };
  /** Absent: the resource ignores `last_modified_time` (price books). */
  modifiedTime?: (record: T) => number;
  /** Allowed `filter_by` values. */
  filters: Record<string, (record: T) => boolean>;
  defaultFilter: string;
  /** Another filter from the query (e.g. contact_type), with a key for the cache. */
  extra?: { key: string; test: (record: T) => boolean };
  render: (record: T) => Record<string, unknown>;
}

/** Keeps the few most recent filtered + sorted id orders so paging a 100 000-item catalogue stays cheap. */
export class ListCache {
  private readonly entries = new Map<string, readonly unknown[]>();

  constructor(private readonly capacity = 24) {}

  get<T>(key: string, build: () => readonly T[]): readonly T[] {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as readonly T[];
    }
    const value = build();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

function orderRecords<T>(records: readonly T[], key: (r: T) => string | number, idOf: (r: T) => string, descending: boolean): T[] {
  const keys = records.map((r) => {
    const k = key(r);
    return typeof k === 'string' ? k.toLowerCase() : k;
  });
  const idx = records.map((_, i) => i);
  const sign = descending ? -1 : 1;
  idx.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    const ia = idOf(records[a]!);
    const ib = idOf(records[b]!);
    return ia < ib ? -sign : ia > ib ? sign : 0;
  });
  return idx.map((i) => records[i]!);
}

export interface ListPage<T> {
  rows: readonly T[];
  pageContext: Record<string, unknown>;
}

export function selectPage<T>(spec: ListSpec<T>, query: ListQuery, cache: ListCache): ListPage<T> {
  const filterName = query.filterBy ?? spec.defaultFilter;
  const filter = spec.filters[filterName];
  if (!filter) throw invalidValue('filter_by');
  const column = query.sortColumn ?? spec.defaultSort.column;
  const sortKey = spec.sortColumns[column];
  if (!sortKey) throw invalidValue('sort_column');
  const order = query.sortOrder ?? (query.sortColumn ? 'A' : spec.defaultSort.order);
  const after = spec.modifiedTime ? query.modifiedAfter : undefined;
  const cacheKey = [spec.name, spec.version(), filterName, spec.extra?.key ?? '', column, order, after ?? ''].join('|');
  const ordered = cache.get(cacheKey, () => {
    const modified = spec.modifiedTime;
    const kept = spec.records().filter(
      (r) => filter(r) && (!spec.extra || spec.extra.test(r)) && (after === undefined || !modified || modified(r) > after),
    );
    return orderRecords(kept, sortKey, spec.idOf, order === 'D');
  });
  const start = (query.page - 1) * query.perPage;
  const rows = ordered.slice(start, start + query.perPage);
  return {
    rows,
    pageContext: {
      page: query.page,
      per_page: query.perPage,
      has_more_page: start + query.perPage < ordered.length,
      report_name: spec.reportName,
      applied_filter: filterName,
      sort_column: column,
      sort_order: order,
      search_criteria: [],
    },
  };
}
