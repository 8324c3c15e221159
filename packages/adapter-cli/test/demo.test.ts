import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { claimOrganizationBinding } from '@tsh/tds-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseFingerprint, type TestDatabase } from '@tsh/test-utils';
import { ensureCliBuilt } from './helpers/built-cli';
import { runCli } from './helpers/run-cli';
import { makeWorkDir } from './helpers/work-dir';

const work = makeWorkDir();
let otherOrganization: TestDatabase;

beforeAll(async () => {
  await ensureCliBuilt();
  // Another organization's synced copy, as a real deployment would have it (docs/organization-binding.md).
  otherOrganization = await createTestDatabase();
  await claimOrganizationBinding(otherOrganization.db, { organizationId: '800000000777', claimedBy: 'tds sync' });
  await otherOrganization.db.insertInto('products').values({ zoho_item_id: '4815162342', name: 'A real product', unit_price: '1250.000' }).execute();
}, 200_000);
afterAll(async () => {
  await otherOrganization?.close();
  work.remove();
});

describe('tds demo', () => {
  it('runs end to end with no configuration on an embedded PostgreSQL, and ends by itself; a DATABASE_URL holding another organization is not touched', async () => {
    const before = await databaseFingerprint(otherOrganization.db);
    const result = await runCli(['demo', '--items', '80', '--webhooks', '12'], { cwd: work.dir, env: { DATABASE_URL: otherOrganization.url }, timeoutMs: 150_000 });
    if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    expect(result.stdout).toMatch(/80 items/);
    expect(result.stdout).toMatch(/12 signed webhooks → 12 accepted/);
    expect(result.stdout.match(/forged: .* → 401/g)?.length).toBeGreaterThanOrEqual(3);
    expect(result.stdout).toMatch(/the forged ones stored nothing/);
    expect(result.stdout).toMatch(/queue (empty|done) after/);
    expect(result.stdout).toMatch(/What just happened/);
    expect(result.stdout).toMatch(/Demo finished in .*: everything worked/);
    // the embedded server's data stays for a look afterwards, and the server itself is stopped
    expect(existsSync(join(work.dir, '.tds', 'demo', 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(work.dir, '.tds', 'demo', 'pg', 'postmaster.pid'))).toBe(false);
    expect(result.stdout).toMatch(/embedded PostgreSQL, data in .*DATABASE_URL is ignored by the demo/);
    expect(await databaseFingerprint(otherOrganization.db)).toEqual(before);
    const product = await otherOrganization.db.selectFrom('products').select(['name', 'deleted_at']).executeTakeFirstOrThrow();
    expect(product).toEqual({ name: 'A real product', deleted_at: null });
  }, 160_000);
});
