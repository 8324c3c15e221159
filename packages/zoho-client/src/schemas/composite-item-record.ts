import { compositeItemSchema } from './entities';
import { optionalZohoId } from './primitives';

/**
 * A composite item as Inventory's /compositeitems serves it: keyed by `composite_item_id`; whether
 * `item_id` is present too is not documented, so either id is enough.
 */
export const compositeItemRecordSchema = compositeItemSchema
  .extend({ item_id: optionalZohoId, composite_item_id: optionalZohoId })
  .refine((record) => record.composite_item_id !== null || record.item_id !== null, {
    message: 'a composite item needs composite_item_id or item_id',
    path: ['composite_item_id'],
  });
