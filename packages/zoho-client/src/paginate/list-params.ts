import { formatZohoTimestamp } from '../schemas/timestamp';
import type { ZohoQueryValue } from '../request/request-core';

export const MAX_PER_PAGE = 200;

/** Typed parameters shared by every Zoho list endpoint. */
export interface ZohoListParams {
  /** Page number, from 1. */
  page?: number;
  /** Rows per page, 1..200 (default 200, Zoho's practical maximum). */
  perPage?: number;
  /** Zoho's `filter_by`, e.g. `Status.All`, `Status.Active`. */
  filterBy?: string;
  /** Only records modified strictly after this time; a Date is sent as `YYYY-MM-DDTHH:MM:SS+0000`. */
  lastModifiedTime?: Date | string;
  sortColumn?: string;
  /** `A` ascending, `D` descending. */
  sortOrder?: 'A' | 'D';
  /** Any other query parameter, sent as is (e.g. `{ status: 'paid' }`). */
  query?: Record<string, ZohoQueryValue>;
}

/** Maps typed list parameters to Zoho's query parameters; rejects a page size Zoho would not honour. */
export function toListQuery(params: ZohoListParams): Record<string, ZohoQueryValue> {
  const perPage = params.perPage ?? MAX_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new RangeError(`perPage must be an integer from 1 to ${MAX_PER_PAGE}, got ${perPage}`);
  }
  const page = params.page ?? 1;
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be an integer from 1, got ${page}`);
  const lastModified = params.lastModifiedTime;
  if (lastModified instanceof Date && Number.isNaN(lastModified.getTime())) {
    throw new RangeError('lastModifiedTime is an invalid Date');
  }
  return {
    ...params.query,
    page,
    per_page: perPage,
    filter_by: params.filterBy,
    last_modified_time: lastModified instanceof Date ? formatZohoTimestamp(lastModified) : lastModified,
    sort_column: params.sortColumn,
    sort_order: params.sortOrder,
  };
}
