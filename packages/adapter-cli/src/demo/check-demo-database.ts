import { createDatabase, type Logger } from '@tsh/tds-core';
import { inspectDatabaseContents } from '@tsh/tds-core/internal';
import { UsageError } from '../runtime/cli-error';

/**
 * The demo syncs its sandbox organization and reconciles deletions: on a database holding real
 * data it would mark every record the sandbox lacks as deleted. So a server database must be
 * empty, and bound to no organization but the sandbox's (docs/organization-binding.md).
 * Only reads: a refused database is left exactly as it was (not even migrated).
 */
export async function checkDemoDatabase(url: string, demoOrganizationId: string, logger: Logger): Promise<void> {
  const database = await createDatabase({ url, logger, maxConnections: 2, applicationName: 'tds-demo-check' });
  let contents;
  try {
    contents = await inspectDatabaseContents(database.db);
  } finally {
    await database.close();
  }
  const problems: string[] = [];
  if (contents.nonEmptyTables.length > 0) problems.push(`it already holds data (${contents.nonEmptyTables.join(', ')})`);
  if (contents.binding && contents.binding.organizationId !== demoOrganizationId) problems.push(`it is bound to Zoho organization ${contents.binding.organizationId}`);
  if (problems.length === 0) return;
  throw new UsageError(
    `refusing to run the demo on the database of --database-url: ${problems.join(' and ')}. Nothing was written. ` +
      'The demo syncs its own sandbox organization and marks every record the sandbox lacks as deleted: give it an empty database, ' +
      'or run `tds demo` without --database-url to use its own embedded PostgreSQL (docs/organization-binding.md).',
  );
}
