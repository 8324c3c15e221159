import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * Records a refresh refusal in the shared token row (as the PostgreSQL token store does), so
 * health in every process sees it until a successful refresh clears it.
 */
export async function recordCredentialError(db: Kysely<Database>, organizationId: string, message: string): Promise<void> {
  await sql`
INSERT INTO zoho_oauth_tokens (organization_id, last_error, last_error_at) VALUES (${organizationId}, ${message}, now())
ON CONFLICT (organization_id) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at, updated_at = now()`.execute(db);
}
