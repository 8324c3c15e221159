import { ConfigError, loadConfig, type ConfigRequirements, type TdsEnv } from '@tsh/tds-core';
import { UsageError } from './cli-error';
import type { Env } from './environment';

/** Variable → the flag that can also set it, so a message can point at either. */
export type FlagNames = Partial<Record<string, string>>;

/** One message naming every missing or bad variable (never their values). */
export function configErrorMessage(error: ConfigError, flags: FlagNames = {}): string {
  const lines = error.problems.map((p) => `  - ${p.variable}${flags[p.variable] ? ` (or ${flags[p.variable]})` : ''} ${p.message}`);
  return [
    `configuration error (${error.problems.length} ${error.problems.length === 1 ? 'problem' : 'problems'}):`,
    ...lines,
    'Set them in the environment or in a .env file; `tds --help` and the README list every variable.',
  ].join('\n');
}

/** loadConfig, with its ConfigError turned into a usage error (exit 2). */
export function resolveConfig(env: Env, needs: ConfigRequirements = {}, flags: FlagNames = {}): TdsEnv {
  try {
    return loadConfig(env, needs);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(configErrorMessage(error, flags));
    throw error;
  }
}

/** The configured secret values, to scrub from any text the CLI prints. */
export function secretValues(env: Env): string[] {
  const secrets = [env.ZOHO_CLIENT_SECRET, env.ZOHO_REFRESH_TOKEN, env.ZOHO_WEBHOOK_SECRET, env.TDS_ADMIN_TOKEN, env.TDS_WEBHOOK_TOKEN, env.TDS_ENCRYPTION_KEY, env.TDS_ENCRYPTION_KEY_PREVIOUS];
  const url = env.DATABASE_URL;
  if (url) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password) secrets.push(password, encodeURIComponent(password));
    } catch {
      // not a URL: the config check reports it
    }
  }
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}
