// A fresh migrated database per test file on DATABASE_URL (or an embedded PostgreSQL), from @tsh/test-utils.
export { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
