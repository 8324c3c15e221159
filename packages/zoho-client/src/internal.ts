// Unstable: everything the client's folders export, for TDS's own packages, tests and benchmarks.
// Names here change without notice; services use the public entry (index.ts, @tsh/zoho-client).
// This subpath is @tsh/zoho-client/internal.
export * from './errors';
export * from './schemas';
export * from './auth';
export * from './rate-limit';
export * from './retry';
export * from './paginate';
export * from './resources';
export * from './webhooks';
export * from './data-centers';
export type { ZohoClock } from './clock';
export type { ZohoCallOptions } from './abortable';
export type { ZohoHooks, ZohoLogger, ZohoRateLimitWaitEvent, ZohoRequestEvent, ZohoResponseEvent, ZohoRetryEvent, ZohoTokenRefreshEvent } from './hooks';
export type { ZohoClientStats, ZohoDailyBudget } from './stats';
export type { ZohoEnvelope } from './request/interpret-response';
export type { FetchLike } from './transport/transport';
export type { ZohoQueryValue, ZohoRequest, ZohoRequestOptions, ZohoStreamReader, ZohoStreamRequest } from './request/request-core';
export { parseExactJson } from './json/parse-exact-json';
export { createZohoClient, type ZohoAuth, type ZohoClient, type ZohoClientOptions } from './client';
// The one redaction module (docs/security.md): tds-core and the adapters use it, one placeholder everywhere.
export { REDACTED, SECRET_KEYS, isSecretKey, redactSecrets, scrubSecrets, withoutSecrets } from './redact';
