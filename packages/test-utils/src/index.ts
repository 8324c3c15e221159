// Shared by the tests of every package (private, never published): a throwaway database per test
// file, polling for a condition, emptying tables, and a fingerprint of a database's contents.
export { createTestDatabase, type TestDatabase } from './test-db';
export { waitFor } from './wait-for';
export { truncateTables } from './truncate';
export { databaseFingerprint } from './db-fingerprint';
export { declaredExports, expectNamedEntryExports } from './public-entry';
