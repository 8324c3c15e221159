// The public surface of @tsh/tds-core, by name: the facade, its options and results, the errors it
// rejects with, config loading, migrations, the logger and the types of the contract tables.
// Everything else is internal (@tsh/tds-core/internal, unstable; see internal.ts).

// The facade.
export { createTdsCore, DatabaseRequiredError, type CreateTdsCoreOptions, type EmbeddedDatabaseRequest } from './core/create-tds-core';
export type { TdsCore, SyncOptions, SyncOutcome, SyncProgress, HealthSnapshot } from './core/types';
// The facade's other answers are typed too; their parts are reached through it (ReturnType<…>).
export type { SyncJob } from './core/sync-runs';
export type { TdsDashboardReads } from './core/dashboard-reads';
export type { EntityStats } from './health/dashboard-entity-stats';
export type { StoredAlert } from './health/alerts/types';
export type { HealLogEntry } from './health/sql/list-heal-actions';
export type { ThroughputMinute } from './health/dashboard-throughput-history';
export type { VerifyRunSummary, VerifiedReliability } from './verify/verify-runs';
export type { QueueStats } from './queue/queue-stats';
export type { WebhookDelivery, WebhookStreamDelivery, WebhookIngestResult } from './webhooks/types';
export { WEBHOOK_TOKEN_HEADER } from './webhooks/webhook-auth';
export { entityTypes, isEntityType, type EntityType } from './transform/entities';
export type { RequestEstimate } from './sync/request-estimate';
export type { VerifyOptions, VerifyProgress, VerifyReport } from './verify/types';
export type { Change, ChangePage, ReadChangesOptions, Subscription } from './changes/types';
export type { RecordTrace, TraceEvent } from './changes/trace/trace-record';

// The errors the facade rejects with.
export { WebhookRejectedError } from './webhooks/webhook-rejected-error';
export { WebhookBusyError } from './webhooks/webhook-busy-error';
export { SyncInputError } from './sync/types';
export { QueueInputError } from './queue/types';
export { VerifyInputError } from './verify/types';
export { ChangeCursorExpiredError, ChangeFeedInputError } from './changes/errors';
export { OrganizationBindingError } from './binding/binding-error';
export { isDatabaseUnavailable } from './db/database-unavailable';

// Configuration, database and migrations, logging.
export { loadConfig, ConfigError, type ConfigRequirements } from './config/load-config';
export type { TdsEnv } from './config/env-schema';
export { createDatabase, type TdsDatabase } from './db/create-database';
export { migrate, type MigrateResult } from './db/migrate';
export { createLogger, type Logger } from './logging/logger';

// The contract tables (docs/data-contract.md).
export type {
  Database,
  CategoriesTable,
  ProductsTable,
  CustomersTable,
  InvoicesTable,
  InvoiceLinesTable,
  BillsTable,
  BillLinesTable,
  StockLevelsTable,
  PriceListsTable,
  PriceListItemsTable,
} from './db/schema';
