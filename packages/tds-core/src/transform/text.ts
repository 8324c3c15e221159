/** Empty or whitespace-only text counts as "not filled in" when choosing between fields. */
export function isBlank(value: string | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || value.trim() === '';
}

/** The first candidate with visible content, returned exactly as sent (never trimmed). */
export function firstNonBlank(...candidates: ReadonlyArray<string | null | undefined>): string | null {
  for (const candidate of candidates) if (!isBlank(candidate)) return candidate;
  return null;
}

/** Zoho enum words (status, contact_type) are lowercase; compare leniently so "Active" or " active" still count. */
export function matchesWord(status: string | null | undefined, expected: string): boolean {
  return status !== null && status !== undefined && status.trim().toLowerCase() === expected;
}

/** `is_active` ← status = active. A status missing from the payload means "not told", so active. */
export function isActiveStatus(status: string | null | undefined): boolean {
  return status === null || status === undefined || matchesWord(status, 'active');
}
