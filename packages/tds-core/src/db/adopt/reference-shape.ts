import { sql, type Kysely } from 'kysely';
import * as queueMigration from '../migrations/0001-queue';
import * as entitiesMigration from '../migrations/0002-entities';
import { readTableShape, type TableShape } from './catalog';
import { ADOPTED_TABLES, type AdoptedTable } from './seed-words';

const REFERENCE_SCHEMA = 'tds_adopt_reference';

/**
 * What migrations 0001 and 0002 create for the seed's tables on an empty database, read from the
 * catalog after running them in a throwaway schema inside a transaction that is rolled back. The
 * adoption plan compares an existing table with this, so it can never drift from the migrations.
 * `conn` must be a single connection (the caller holds the migration lock on it).
 */
export async function readReferenceShapes(conn: Kysely<any>): Promise<Record<AdoptedTable, TableShape>> {
  await sql`BEGIN`.execute(conn);
  try {
    await sql`CREATE SCHEMA ${sql.id(REFERENCE_SCHEMA)}`.execute(conn);
    await sql`SET LOCAL search_path = ${sql.id(REFERENCE_SCHEMA)}`.execute(conn);
    await queueMigration.up(conn);
    await entitiesMigration.up(conn);
    const shapes = {} as Record<AdoptedTable, TableShape>;
    for (const table of ADOPTED_TABLES) shapes[table] = (await readTableShape(conn, table))!;
    return shapes;
  } finally {
    await sql`ROLLBACK`.execute(conn);
  }
}
