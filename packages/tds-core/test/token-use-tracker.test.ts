import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createDatabase, type TdsDatabase } from '../src/db';
import { createTokenUseTracker } from '../src/zoho-access/postgres-token-store';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// A Zoho answer that succeeded with the stored token clears a refresh error recorded before it was
// sent (health then stops warning, docs/README "Health"); a role that may only read gives up once.

const ORG = '80012345';
let t: TestDatabase;

function capture() {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (_fields: unknown, message?: string) => void lines.push({ level, message: message ?? '' });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await sql`DELETE FROM zoho_oauth_tokens`.execute(t.db);
  await sql`
INSERT INTO zoho_oauth_tokens (organization_id, access_token, expires_at, last_error, last_error_at)
VALUES (${ORG}, 'stored-token', now() + interval '50 minutes', 'invalid_client: refused', clock_timestamp() - interval '1 minute')`.execute(t.db);
});

const lastError = async () => (await sql<{ e: string | null }>`SELECT last_error AS e FROM zoho_oauth_tokens`.execute(t.db)).rows[0]!.e;

it('clears a refresh error recorded before the successful request was sent, not one recorded while it was on its way', async () => {
  const { logger } = capture();
  const tracker = createTokenUseTracker({ db: t.db, organizationId: ORG, logger });
  tracker.succeeded(5 * 60_000); // sent 5 minutes ago: before the error
  await tracker.idle();
  expect(await lastError()).toBe('invalid_client: refused');
  tracker.succeeded(10); // sent just now: after it
  await tracker.idle();
  expect(await lastError()).toBeNull();
});

it('as a role that may only read: one info line, no warning per request, nothing changed', async () => {
  const role = `${t.name}_token_ro`;
  await sql`CREATE ROLE ${sql.id(role)} LOGIN PASSWORD 'read-only-test'`.execute(t.db);
  await sql`GRANT USAGE ON SCHEMA public TO ${sql.id(role)}`.execute(t.db);
  await sql`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${sql.id(role)}`.execute(t.db);
  const url = new URL(t.url);
  url.username = role;
  url.password = 'read-only-test';
  let readOnly: TdsDatabase | undefined;
  try {
    readOnly = await createDatabase({ url: url.toString() });
    const { lines, logger } = capture();
    const tracker = createTokenUseTracker({ db: readOnly.db, organizationId: ORG, logger });
    for (let n = 0; n < 5; n++) {
      tracker.succeeded(10);
      await tracker.idle();
    }
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect(lines.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([expect.stringMatching(/may not write zoho_oauth_tokens/)]);
    expect(await lastError()).toBe('invalid_client: refused');
  } finally {
    await readOnly?.close();
    await sql`DROP OWNED BY ${sql.id(role)}`.execute(t.db);
    await sql`DROP ROLE ${sql.id(role)}`.execute(t.db);
  }
});
