export { startZohoSandbox, type ZohoSandbox } from './http/server';
export { sandboxEnvironment } from './env';
export type { ZohoSandboxOptions, SandboxClock, SandboxAutoWebhooks, SandboxSettings } from './options';
export { createSandboxStore, SandboxStore } from './store';
export type {
  SandboxSnapshot,
  SandboxChangeListener,
  SandboxItemPatch,
  SandboxContactPatch,
  SandboxInvoicePatch,
  SandboxBillPatch,
  SandboxPricebookPatch,
  SandboxPatchByEntity,
  SandboxRecordByEntity,
} from './store';
export type { SandboxMutateOptions } from './mutate';
export { SANDBOX_DEFAULTS, type SandboxCatalogueOptions } from './generate/catalogue';
export type { SandboxCategory } from './generate/items';
export { CONSUMER_PRICE_LIST, WHOLESALE_PRICE_LIST } from './generate/pricebooks';
export { LARGE_INVOICE_MINIMUM, USD_EXCHANGE_RATE } from './generate/documents';
export type { SandboxFaults, SandboxFaultKind } from './http/faults';
export type { SandboxCredentials, SandboxOAuth, SandboxTokenOutcome } from './http/oauth';
export type { SandboxStatsSnapshot } from './http/stats';
export { sandboxWebhookSignature, type SandboxWebhookSigningInput } from './webhooks/signature';
export type { SandboxWebhookRequest, SandboxWebhookResult } from './webhooks/send';
export { formatZohoTime as sandboxFormatZohoTime, parseZohoTime as sandboxParseZohoTime } from './time';
export type { SandboxSeed } from './random';
export type { SandboxNumberStyle, SandboxLocation, SandboxItemStock, SandboxItem, SandboxContact, SandboxLineItem, SandboxInvoiceStatus, SandboxBillStatus, SandboxInvoice, SandboxBill, SandboxPricebook, SandboxMinorRecord, SandboxMinorEntity, SandboxEntity, SandboxChange, SandboxOrganization } from './types';
