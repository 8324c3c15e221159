export { runVerify, sampleOf, verifyEntitiesOf, type VerifyDeps } from './run-verify';
export { readLastVerifyRun, readVerifiedReliability, recordVerifyRun, type VerifiedReliability } from './verify-runs';
export { sameValue, diffColumns, type ColumnKind } from './column-diff';
export * from './types';
export { createVerifyApi, type TdsVerifyApi } from './core-api';
