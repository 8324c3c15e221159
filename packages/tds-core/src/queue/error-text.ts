const MAX_ERROR_LENGTH = 4000;

/** An error as stored in last_error / the DLQ: text that PostgreSQL accepts (no NUL), bounded in size. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  const clean = text.replaceAll('\u0000', '\\0');
  return clean.length > MAX_ERROR_LENGTH ? `${clean.slice(0, MAX_ERROR_LENGTH)}… (${clean.length - MAX_ERROR_LENGTH} more characters)` : clean;
}
