import type { z } from 'zod';
import type { ZohoRequest } from '../request/request-core';
import { compositeItemRecordSchema } from '../schemas/composite-item-record';
import {
  inventoryAdjustmentSchema,
  itemSchema,
  locationSchema,
  organizationSchema,
  pricebookSchema,
  transferOrderSchema,
  warehouseSchema,
} from '../schemas/entities';
import { createItemDetailsResource } from './item-details';
import { createListResource } from './list-resource';

/**
 * Zoho Inventory v1, read-only. Warehouses were renamed Locations; both endpoints are offered.
 * `items` asks for every status (`filter_by=Status.All`) like Books items: Books is documented to
 * list active items only by default and Inventory's default is not documented, so a sync that
 * left it to the default could miss inactive items and never see a deactivation.
 */
export function createInventoryResources(request: ZohoRequest) {
  const inventory = <S extends z.ZodType>(
    path: string,
    listKey: string,
    itemKey: string,
    idField: string,
    schema: S,
    defaults?: { filterBy?: string },
  ) => createListResource(request, { api: 'inventory', path, listKey, itemKey, idField, entity: itemKey, schema, defaults });
  return {
    items: inventory('/items', 'items', 'item', 'item_id', itemSchema, { filterBy: 'Status.All' }),
    itemDetails: createItemDetailsResource(request),
    compositeItems: inventory('/compositeitems', 'composite_items', 'composite_item', 'composite_item_id', compositeItemRecordSchema),
    locations: inventory('/locations', 'locations', 'location', 'location_id', locationSchema),
    warehouses: inventory('/settings/warehouses', 'warehouses', 'warehouse', 'warehouse_id', warehouseSchema),
    pricebooks: inventory('/pricebooks', 'pricebooks', 'pricebook', 'pricebook_id', pricebookSchema),
    inventoryAdjustments: inventory(
      '/inventoryadjustments',
      'inventory_adjustments',
      'inventory_adjustment',
      'inventory_adjustment_id',
      inventoryAdjustmentSchema,
    ),
    transferOrders: inventory('/transferorders', 'transfer_orders', 'transfer_order', 'transfer_order_id', transferOrderSchema),
    organizations: inventory('/organizations', 'organizations', 'organization', 'organization_id', organizationSchema),
  };
}

export type ZohoInventoryResources = ReturnType<typeof createInventoryResources>;
