import { parseZohoTime } from '../time';
import { invalidValue } from './respond';

export const MAX_PER_PAGE = 200;

export interface ListQuery {
  page: number;
  perPage: number;
  /** Records modified strictly after this instant (epoch ms). */
  modifiedAfter?: number;
  sortColumn?: string;
  sortOrder?: 'A' | 'D';
  filterBy?: string;
}

function positiveInt(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidValue(name);
  return Number(raw);
}

/** Parses Zoho's list parameters; a malformed one is a 400 (code 2) like Zoho answers. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const page = positiveInt(params, 'page', 1);
  const perPage = Math.min(MAX_PER_PAGE, positiveInt(params, 'per_page', MAX_PER_PAGE));
  const query: ListQuery = { page, perPage };
  const modified = params.get('last_modified_time');
  if (modified !== null && modified !== '') {
    const at = parseZohoTime(modified.trim());
    if (at === undefined) throw invalidValue('last_modified_time');
    query.modifiedAfter = at;
  }
  const column = params.get('sort_column');
  if (column) query.sortColumn = column;
  const order = params.get('sort_order');
  if (order) {
    const normalized = order.toUpperCase();
    if (normalized === 'A' || normalized === 'ASCENDING' || normalized === 'ASC') query.sortOrder = 'A';
    else if (normalized === 'D' || normalized === 'DESCENDING' || normalized === 'DESC') query.sortOrder = 'D';
    else throw invalidValue('sort_order');
  }
  const filterBy = params.get('filter_by');
  if (filterBy) query.filterBy = filterBy;
  return query;
}
