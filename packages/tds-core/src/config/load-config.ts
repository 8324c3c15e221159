import { envSchema, type TdsEnv } from './env-schema';
import { MIN_ADMIN_TOKEN_LENGTH } from './security-env';

/** Which parts of the product a command needs, so each reports only what it actually lacks. */
export interface ConfigRequirements {
  zoho?: boolean;
  webhookSecret?: boolean;
  adminToken?: boolean;
}

/** A bad or missing configuration value; the message names every offending variable and never echoes values. */
export class ConfigError extends Error {
  readonly problems: ReadonlyArray<{ variable: string; message: string }>;
  constructor(problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const ZOHO_REQUIRED = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN', 'ZOHO_ORGANIZATION_ID'] as const;

/** Validates the environment (docs/architecture.md, "Configuration"); throws one ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, needs: ConfigRequirements = {}): TdsEnv {
  const parsed = envSchema.safeParse(env);
  const problems: Array<{ variable: string; message: string }> = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ variable: String(issue.path[0]), message: issue.message });
  }
  const present = (name: string) => typeof env[name] === 'string' && env[name]!.trim() !== '';
  if (needs.zoho) for (const name of ZOHO_REQUIRED) if (!present(name)) problems.push({ variable: name, message: 'is required' });
  // Which webhook credential is needed depends on the mode the operator chose (docs/security.md).
  const tokenMode = env.TDS_WEBHOOK_AUTH?.trim() === 'token';
  if (needs.webhookSecret && tokenMode && !present('TDS_WEBHOOK_TOKEN')) {
    problems.push({ variable: 'TDS_WEBHOOK_TOKEN', message: 'is required with TDS_WEBHOOK_AUTH=token (webhooks cannot be verified without it)' });
  } else if (needs.webhookSecret && !tokenMode && !present('ZOHO_WEBHOOK_SECRET')) {
    problems.push({ variable: 'ZOHO_WEBHOOK_SECRET', message: 'is required (webhooks cannot be verified without it; or choose TDS_WEBHOOK_AUTH=token)' });
  }
  if (needs.adminToken && !present('TDS_ADMIN_TOKEN')) {
    problems.push({ variable: 'TDS_ADMIN_TOKEN', message: 'is required (admin endpoints would be open without it)' });
  } else if (needs.adminToken && env.TDS_ADMIN_TOKEN!.trim().length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push({ variable: 'TDS_ADMIN_TOKEN', message: `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)` });
  }
  if (present('TDS_ENCRYPTION_KEY_PREVIOUS') && !present('TDS_ENCRYPTION_KEY')) {
    problems.push({ variable: 'TDS_ENCRYPTION_KEY_PREVIOUS', message: 'is set without TDS_ENCRYPTION_KEY (the key new rows are sealed with)' });
  }
  const unique = problems.filter((p, i) => problems.findIndex((q) => q.variable === p.variable) === i);
  if (unique.length > 0 || !parsed.success) throw new ConfigError(unique);
  return parsed.data;
}
