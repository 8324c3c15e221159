import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeCursorExpiredError, readChanges, resetConsumer } from '../src/changes';
import { createHealer } from '../src/healer';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('change feed retention', () => {
  it('the healer purges changes older than the retention, moves the horizon, and a reader behind it is told to resync', async () => {
    for (let i = 0; i < 12; i++) await sql`INSERT INTO products (zoho_item_id, name) VALUES (${`kept-${i}`}, 'p')`.execute(t.db);
    const all = (await readChanges(t.db, { after: '0', limit: 1000 })).changes;
    expect(all).toHaveLength(12);
    const lastOld = all[7].id;
    await sql`UPDATE tds_changes SET at = now() - interval '8 days' WHERE id <= ${lastOld}::bigint`.execute(t.db);
    // A row older than the retention after a younger one stays: only a prefix of the feed goes.
    await sql`UPDATE tds_changes SET at = now() - interval '9 days' WHERE id = ${all[10].id}::bigint`.execute(t.db);
    const lagging = await resetConsumer(t.db, 'lagging-consumer', all[3].id);

    const healer = createHealer({ db: t.db, organizationId: 'org', options: { changesRetentionDays: 7, batchLimit: 10 } });
    const run = await healer.runOnce();
    expect(run.purged_changes).toEqual({ purged: 8, purged_through: lastOld });
    // Housekeeping, not a heal action.
    expect(run.actions.map((a) => a.action)).not.toContain('purge_change_feed');

    const rest = await readChanges(t.db, { limit: 1000 });
    expect(rest.changes.map((c) => c.id)).toEqual(all.slice(8).map((c) => c.id));
    await expect(readChanges(t.db, { after: lagging })).rejects.toThrow(ChangeCursorExpiredError);
    await expect(readChanges(t.db, { after: lagging })).rejects.toThrow(/behind the retention horizon: changes up to \d+ were purged.*Resync from the tables/);
    expect((await readChanges(t.db, { after: lastOld })).changes).toHaveLength(4);

    const again = await healer.runOnce();
    expect(again.purged_changes).toEqual({ purged: 0, purged_through: lastOld });
  });
});
