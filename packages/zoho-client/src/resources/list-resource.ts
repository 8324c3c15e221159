import type { z } from 'zod';
import { callOptions, type ZohoCallOptions } from '../abortable';
import { ZOHO_API_PATHS, type ZohoApiName } from '../data-centers';
import { ZohoApiError, ZohoValidationError } from '../errors';
import { toListQuery, type ZohoListParams } from '../paginate/list-params';
import { hasMorePages, paginate, type ZohoListPage, type ZohoPageContext } from '../paginate/paginate';
import type { ZohoQueryValue, ZohoRequest } from '../request/request-core';
import { parseRecord } from '../schemas/parse';

export interface ListResourceDefinition<S extends z.ZodType> {
  api: ZohoApiName;
  /** Collection path, e.g. `/items`. */
  path: string;
  /** Key of the array in a list response, e.g. `items`. */
  listKey: string;
  /** Key of the record in a detail response, e.g. `item`. */
  itemKey: string;
  idField: string;
  entity: string;
  schema: S;
  /** Parameters applied unless the caller sets them (Books items: `filterBy: 'Status.All'`). */
  defaults?: Partial<Omit<ZohoListParams, 'query'>>;
}

export interface ZohoIterateOptions extends ZohoCallOptions {
  /**
   * Called for each record that fails its schema; iteration goes on. Without it, the first
   * invalid record throws its ZohoValidationError (nothing is skipped silently).
   */
  onInvalid?(error: ZohoValidationError): void | Promise<void>;
}

export interface ZohoListResource<T> {
  /** The full record (`GET {path}/{id}`); throws ZohoValidationError if it fails its schema. */
  get(id: string, query?: Record<string, ZohoQueryValue>, options?: ZohoCallOptions): Promise<T>;
  /** One page (default page 1, 200 rows). */
  list(params?: ZohoListParams, options?: ZohoCallOptions): Promise<ZohoListPage<T>>;
  /** Every page from `params.page` (default 1) while Zoho has more; one page in memory at a time. */
  pages(params?: ZohoListParams, options?: ZohoCallOptions): AsyncGenerator<ZohoListPage<T>, void, undefined>;
  /** Every record of every page. */
  iterate(params?: ZohoListParams, options?: ZohoIterateOptions): AsyncGenerator<T, void, undefined>;
  /** Same as `iterate`. */
  listAll(params?: ZohoListParams, options?: ZohoIterateOptions): AsyncGenerator<T, void, undefined>;
}

/** Parses each row alone so that one bad record never costs the rest of the page. */
export function parseRows<S extends z.ZodType>(
  rows: unknown[],
  def: Pick<ListResourceDefinition<S>, 'schema' | 'entity' | 'idField'>,
): { records: Array<z.output<S>>; invalid: ZohoValidationError[] } {
  const records: Array<z.output<S>> = [];
  const invalid: ZohoValidationError[] = [];
  for (const row of rows) {
    try {
      records.push(parseRecord(def.schema, def.entity, def.idField, row));
    } catch (error) {
      if (!(error instanceof ZohoValidationError)) throw error;
      invalid.push(error);
    }
  }
  return { records, invalid };
}

export function createListResource<S extends z.ZodType>(
  request: ZohoRequest,
  def: ListResourceDefinition<S>,
): ZohoListResource<z.output<S>> {
  type T = z.output<S>;
  const endpoint = `${ZOHO_API_PATHS[def.api]}${def.path}`;

  async function fetchPage(params: ZohoListParams, options: ZohoCallOptions = {}): Promise<ZohoListPage<T>> {
    const merged = { ...def.defaults, ...params };
    const query = toListQuery(merged);
    const envelope = await request('GET', def.api, def.path, { query, ...callOptions(options) });
    const rows = envelope[def.listKey];
    if (!Array.isArray(rows)) {
      throw new ZohoApiError({ status: 200, endpoint, retryable: false, message: `response has no "${def.listKey}" array` });
    }
    const pageContext = (envelope.page_context as ZohoPageContext | undefined) ?? null;
    return {
      ...parseRows(rows, def),
      page: Number(query.page),
      perPage: Number(query.per_page),
      hasMore: hasMorePages(pageContext),
      pageContext,
    };
  }

  const pages = (params: ZohoListParams = {}, options: ZohoCallOptions = {}) =>
    paginate((page) => fetchPage({ ...params, page }, options), params.page ?? 1);

  async function* iterate(params: ZohoListParams = {}, options: ZohoIterateOptions = {}) {
    for await (const page of pages(params, callOptions(options))) {
      for (const error of page.invalid) {
        if (!options.onInvalid) throw error;
        await options.onInvalid(error);
      }
      yield* page.records;
    }
  }

  return {
    async get(id, query, options = {}) {
      if (typeof id !== 'string' || id.trim() === '') throw new TypeError(`${def.entity} id must be a non-empty string`);
      const envelope = await request('GET', def.api, `${def.path}/${encodeURIComponent(id)}`, { query, ...callOptions(options) });
      const record = envelope[def.itemKey];
      if (!record || typeof record !== 'object') {
        throw new ZohoValidationError(def.entity, id, [{ path: def.itemKey, message: 'missing from the response' }], envelope);
      }
      return parseRecord(def.schema, def.entity, def.idField, record);
    },
    list: (params = {}, options = {}) => fetchPage(params, options),
    pages,
    iterate,
    listAll: iterate,
  };
}
