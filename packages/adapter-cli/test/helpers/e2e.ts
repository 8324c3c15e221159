import { sandboxEnvironment, startZohoSandbox, type ZohoSandbox, type ZohoSandboxOptions } from '@tsh/zoho-sandbox';
import { createTestDatabase, type TestDatabase } from '@tsh/test-utils';
import type { CliResult } from './run-cli';

export interface E2eSetup {
  db: TestDatabase;
  sandbox: ZohoSandbox;
  /** The environment that points the CLI at this database and this sandbox. */
  env: Record<string, string>;
  /** Every value that must never be printed. */
  secrets: string[];
  close(): Promise<void>;
}

/** A fresh (unmigrated) database of its own and a running sandbox, as a spawned `tds` sees them. */
export async function setupE2e(sandboxOptions: ZohoSandboxOptions = {}): Promise<E2eSetup> {
  const db = await createTestDatabase({ migrate: false });
  const sandbox = await startZohoSandbox({ requestsPerMinute: 5000, dailyLimit: 1_000_000, ...sandboxOptions });
  const zohoEnv = sandboxEnvironment(sandbox);
  const env = { ...zohoEnv, DATABASE_URL: db.url, TDS_RATE_LIMIT_PER_MINUTE: '3000' };
  const password = new URL(db.url).password;
  return {
    db,
    sandbox,
    env,
    secrets: [zohoEnv.ZOHO_CLIENT_SECRET!, zohoEnv.ZOHO_REFRESH_TOKEN!, zohoEnv.ZOHO_WEBHOOK_SECRET!, ...(password ? [decodeURIComponent(password)] : [])],
    async close() {
      await sandbox.close();
      await db.close();
    },
  };
}

export function leakedSecrets(result: CliResult, secrets: ReadonlyArray<string>): string[] {
  const text = `${result.stdout}\n${result.stderr}`;
  return secrets.filter((secret) => text.includes(secret));
}
