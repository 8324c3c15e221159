// The public surface of @tsh/zoho-client, by name: the client and its options, the resources'
// record types, the errors, the webhook helpers and the TokenStore / RateLimiter ports.
// Everything else is internal (@tsh/zoho-client/internal, unstable; see internal.ts).

// The client.
export { createZohoClient, type ZohoAuth, type ZohoClient, type ZohoClientOptions } from './client';
export type { ZohoCredentials } from './auth/token-endpoint';
export type { ZohoDataCenter } from './data-centers';
export type { ZohoClock } from './clock';
export type { ZohoCallOptions } from './abortable';
export type { ZohoHooks, ZohoLogger } from './hooks';
export type { ZohoClientStats } from './stats';
export type { ZohoListParams } from './paginate/list-params';
export type { ZohoListPage } from './paginate/paginate';
export type { ZohoListResource, ZohoIterateOptions } from './resources/list-resource';
export type { ZohoBooksResources } from './resources/books';
export type { ZohoInventoryResources } from './resources/inventory';

// The records the resources return.
export type { ZohoItem, ZohoCompositeItem, ZohoContact, ZohoLineItem, ZohoInvoice, ZohoBill, ZohoPricebook, ZohoPricebookItem, ZohoLocation, ZohoOrganization } from './schemas/entities';
export type { ZohoStreamedPricebook } from './resources/pricebook-stream';

// Errors.
export { ZohoError, ZohoApiError, ZohoAuthError, ZohoStreamBrokenError, ZohoValidationError, ZohoWriteBlockedError, ZohoQuotaExhaustedError, ZohoConfigError, ZohoWebhookError, ZohoAbortedError, ZohoWaitTooLongError } from './errors';

// Webhooks.
export { parseZohoWebhook, type ZohoWebhookDelivery } from './webhooks/parse-webhook';
export { signZohoWebhook, verifyZohoWebhookSignature } from './webhooks/signature';

// Ports: where the access token lives and who shares the request budget.
export { createMemoryTokenStore, type StoredToken, type TokenStore } from './auth/token-store';
export type { RateLimiter, ZohoQuota } from './rate-limit/rate-limiter';
