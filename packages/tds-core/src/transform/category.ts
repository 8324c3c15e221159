import type { ZohoItem } from '@tsh/zoho-client';

/** A row of `categories`. */
export interface CategoryRow {
  zoho_category_id: string;
  name: string | null;
}

/** The category an item belongs to, or null when the item has none. */
export function transformCategory(item: Pick<ZohoItem, 'category_id' | 'category_name'>): CategoryRow | null {
  if (item.category_id === null) return null;
  return { zoho_category_id: item.category_id, name: item.category_name };
}
