// The core's test database helper: a fresh migrated database per test file on DATABASE_URL (or an embedded PostgreSQL).
export { createTestDatabase, type TestDatabase } from '../../../tds-core/test/helpers/test-db';
