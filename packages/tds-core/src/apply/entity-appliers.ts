import type { ZohoBill, ZohoContact, ZohoInvoice, ZohoItem, ZohoPricebook } from '@tsh/zoho-client';
import type { EntityType } from '../transform/entities';
import type { ApplyContext } from './apply-context';
import { applyBill, deleteBill } from './bill';
import { applyCustomer, deleteCustomer } from './customer';
import { applyInvoice, deleteInvoice } from './invoice';
import { applyPriceList, deletePriceList } from './price-list';
import { applyProduct, deleteProduct } from './product';
import { applyStockLevels } from './stock-levels';
import type { ApplyDb, ApplyOutcome } from './types';

export interface RecordByEntity {
  products: ZohoItem;
  customers: ZohoContact;
  invoices: ZohoInvoice;
  bills: ZohoBill;
  stock: ZohoItem;
  pricelists: ZohoPricebook;
}

/** How one entity type's records are applied and deleted. */
export interface EntityApplier<E extends EntityType> {
  apply(db: ApplyDb, record: RecordByEntity[E], ctx: ApplyContext): Promise<ApplyOutcome>;
  /** Soft-deletes by Zoho id; `record` is the last state when the deletion carried it. */
  remove(db: ApplyDb, zohoId: string, ctx: ApplyContext, record?: RecordByEntity[E]): Promise<ApplyOutcome>;
}

export const entityAppliers: { [E in EntityType]: EntityApplier<E> } = {
  products: { apply: applyProduct, remove: deleteProduct },
  customers: { apply: applyCustomer, remove: deleteCustomer },
  invoices: { apply: applyInvoice, remove: deleteInvoice },
  bills: { apply: applyBill, remove: deleteBill },
  // A stock record is an item; an item deleted in Zoho is a deleted product.
  stock: { apply: applyStockLevels, remove: deleteProduct },
  pricelists: { apply: applyPriceList, remove: (db, id, ctx) => deletePriceList(db, id, ctx) },
};
