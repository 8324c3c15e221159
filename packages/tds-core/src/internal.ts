// Unstable: everything the core's folders export, for TDS's own adapters, tests and benchmarks.
// Names here change without notice; services use the public entry (index.ts, @tsh/tds-core).
// The public surface is listed by name in index.ts; this subpath is @tsh/tds-core/internal.
export {};
export * from './config';
export * from './logging';
export * from './transform';
export * from './db';
export * from './queue';
export * from './workers';
export * from './zoho-access';
export * from './core/types';
export * from './webhooks';
export * from './scheduler';
export * from './apply';
export * from './handlers';
export * from './healer';
export * from './health';
export * from './sync';
export * from './core/create-tds-core';
export * from './core/dashboard-reads';
export * from './binding';
export { runVerify, createVerifyApi, readLastVerifyRun, readVerifiedReliability, listVerifyRuns, sampleOf, verifyEntitiesOf, VerifyInputError } from './verify';
export { planScheduledVerify, estimateSampledRequests, createBudgetedRateLimiter, VerifyBudgetSpentError, runScheduledVerify } from './verify';
export type { TdsVerifyApi, VerifyOptions, VerifyProgress, VerifyReport, EntityVerifyReport, DriftedRecord, ColumnDifference, VerifyEntity, VerifiedReliability, VerifyRunSummary, ScheduledVerifyOutcome, ScheduledVerifyPlan, BudgetReading } from './verify';
export * from './changes';
export { DatabaseUnreachableError, explainDatabaseFailure } from './core/database-unreachable';
