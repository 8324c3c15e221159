// The shared test database helper lives in @tsh/test-utils; the core's tests keep importing it from here.
export { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
