export { runVerify, sampleOf, verifyEntitiesOf, type VerifyDeps } from './run-verify';
export { listVerifyRuns, readLastVerifyRun, readVerifiedReliability, recordVerifyRun, type VerifiedReliability, type VerifyRunSummary } from './verify-runs';
export { sameValue, diffColumns, type ColumnKind } from './column-diff';
export * from './types';
export { createVerifyApi, type TdsVerifyApi } from './core-api';
export { planScheduledVerify, estimateSampledRequests, DAILY_QUOTA_RESERVE, type BudgetReading, type ScheduledVerifyPlan, type ScheduledVerifySettings, type StoredCounts } from './scheduled-verify-plan';
export { createBudgetedRateLimiter, VerifyBudgetSpentError, type BudgetedRateLimiter, type BudgetedRateLimiterOptions } from './budgeted-rate-limiter';
export { runScheduledVerify, readBudget, type ScheduledVerifyDeps, type ScheduledVerifyOutcome } from './run-scheduled-verify';
