import type { EntityVerifier } from './entity-verifier';
import type { VerifyEntity } from './types';
import { customersVerifier } from './verify-customers';
import { billsVerifier, invoicesVerifier } from './verify-documents';
import { priceListsVerifier } from './verify-price-lists';
import { productsVerifier } from './verify-products';
import { stockVerifier } from './verify-stock';

/** Price lists first: products' consumer / wholesale prices are checked against the same Zoho books. */
export const verifyOrder: readonly VerifyEntity[] = ['pricelists', 'products', 'stock', 'customers', 'invoices', 'bills'];

export const entityVerifiers: { [E in VerifyEntity]: EntityVerifier<unknown> } = {
  products: productsVerifier as EntityVerifier<unknown>,
  stock: stockVerifier as EntityVerifier<unknown>,
  customers: customersVerifier as EntityVerifier<unknown>,
  invoices: invoicesVerifier as EntityVerifier<unknown>,
  bills: billsVerifier as EntityVerifier<unknown>,
  pricelists: priceListsVerifier as EntityVerifier<unknown>,
};
