import type { z } from 'zod';
import type { ZohoRequest, ZohoStreamRequest } from '../request/request-core';
import {
  billSchema,
  contactSchema,
  creditNoteSchema,
  customerPaymentSchema,
  invoiceSchema,
  itemSchema,
  organizationSchema,
  pricebookSchema,
  purchaseOrderSchema,
  salesOrderSchema,
} from '../schemas/entities';
import { createListResource } from './list-resource';
import { createPricebookStream } from './pricebook-stream';

/**
 * Zoho Books v3, read-only. `items` lists every item, active or not (`filter_by=Status.All`),
 * because Books returns only active items by default and a sync must see deactivations.
 * `pricebooks.streamDetail` reads a book's detail as a stream, its entries a chunk at a time.
 */
export function createBooksResources(request: ZohoRequest, requestStream: ZohoStreamRequest) {
  const books = <S extends z.ZodType>(
    path: string,
    listKey: string,
    itemKey: string,
    idField: string,
    schema: S,
    defaults?: { filterBy?: string },
  ) => createListResource(request, { api: 'books', path, listKey, itemKey, idField, entity: itemKey, schema, defaults });
  return {
    items: books('/items', 'items', 'item', 'item_id', itemSchema, { filterBy: 'Status.All' }),
    contacts: books('/contacts', 'contacts', 'contact', 'contact_id', contactSchema),
    invoices: books('/invoices', 'invoices', 'invoice', 'invoice_id', invoiceSchema),
    bills: books('/bills', 'bills', 'bill', 'bill_id', billSchema),
    creditNotes: books('/creditnotes', 'creditnotes', 'creditnote', 'creditnote_id', creditNoteSchema),
    customerPayments: books('/customerpayments', 'customerpayments', 'payment', 'payment_id', customerPaymentSchema),
    salesOrders: books('/salesorders', 'salesorders', 'salesorder', 'salesorder_id', salesOrderSchema),
    purchaseOrders: books('/purchaseorders', 'purchaseorders', 'purchaseorder', 'purchaseorder_id', purchaseOrderSchema),
    pricebooks: { ...books('/pricebooks', 'pricebooks', 'pricebook', 'pricebook_id', pricebookSchema), streamDetail: createPricebookStream(requestStream) },
    organizations: books('/organizations', 'organizations', 'organization', 'organization_id', organizationSchema),
  };
}

export type ZohoBooksResources = ReturnType<typeof createBooksResources>;
