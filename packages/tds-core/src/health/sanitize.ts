import { redactSecrets } from '../logging/redact';

const NAMED_SECRET = /\b(access[_-]?token|refresh[_-]?token|client[_-]?secret|webhook[_-]?secret|admin[_-]?token|api[_-]?key|secret|password|passwd|token|signature)(\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED\])([^\s"'\\&,;)}\]]+)/gi;
const AUTH_HEADER = /\b(Zoho-oauthtoken|Bearer|Basic)\s+[^\s"',;]+/gi;
// Zoho access and refresh tokens look like 1000.<hex>.<hex>.
const ZOHO_TOKEN = /\b\d{4}\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/**
 * Text that reaches a report, an alert or the health answer (error messages stored by other parts
 * and by Zoho) may quote a secret. Known secret values are replaced, and so is anything shaped like
 * one: `token=…`, `client_secret: …`, `Bearer …`, Zoho's 1000.x.y tokens, URL passwords.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  return redactSecrets(text, secrets)
    .replace(URL_CREDENTIALS, '$1[REDACTED]@')
    .replace(AUTH_HEADER, '$1 [REDACTED]')
    .replace(ZOHO_TOKEN, '[REDACTED]')
    .replace(NAMED_SECRET, (_match, name: string, separator: string) => `${name}${separator}[REDACTED]`);
}

/** scrubSecrets for a nullable text, cut to a readable length. */
export function scrubbedSnippet(text: string | null | undefined, secrets: ReadonlyArray<string | null | undefined> = [], max = 300): string | null {
  if (text === null || text === undefined) return null;
  const clean = scrubSecrets(text, secrets);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
