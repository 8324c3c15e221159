import { ZohoValidationError } from '@tsh/zoho-client';

/**
 * Throws a ZohoValidationError (non-retryable, so the record is dead-lettered with the reason)
 * when a record lists the same child key twice: two rows with one key cannot both be stored, and
 * silently keeping one of them would lose data.
 */
export function assertUniqueKeys(entity: string, recordId: string, listPath: string, keys: ReadonlyArray<string>): void {
  const seen = new Map<string, number>();
  const issues: Array<{ path: string; message: string }> = [];
  keys.forEach((key, index) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else issues.push({ path: `${listPath}.${index}`, message: `duplicate key ${key} (already at index ${first})` });
  });
  if (issues.length > 0) throw new ZohoValidationError(entity, recordId, issues);
}
