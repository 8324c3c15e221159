import type { ZohoInventoryAdjustment, ZohoTransferOrder } from '@tsh/zoho-client/internal';

type StockMovement = Pick<ZohoInventoryAdjustment, 'line_items'> | Pick<ZohoTransferOrder, 'line_items'>;

/**
 * Ids of the items whose stock an inventory adjustment or transfer order changed, each once, in
 * the order they first appear. Null when the record has no `line_items` key (a list row): fetch
 * its detail to learn which items moved.
 */
export function stockAffectedItemIds(movement: StockMovement): string[] | null {
  if (movement.line_items === undefined) return null;
  return [...new Set(movement.line_items.map((line) => line.item_id))];
}
