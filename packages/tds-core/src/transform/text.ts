/** Empty or whitespace-only text counts as "not filled in" when choosing between fields. */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** The first candidate with visible content, returned exactly as sent (never trimmed). */
export function firstNonBlank(...candidates: ReadonlyArray<string | null | undefined>): string | null {
  for (const candidate of candidates) if (candidate != null && !isBlank(candidate)) return candidate;
  return null;
}

/** Zoho enum words (status, contact_type) are lowercase; compare leniently so "Active" or " active" still count. */
export function matchesWord(value: string | null | undefined, word: string): boolean {
  return value !== null && value !== undefined && value.trim().toLowerCase() === word;
}

/** `is_active` ← status = active. A status missing or blank in the payload means "not told", so active. */
export function isActiveStatus(status: string | null | undefined): boolean {
  return isBlank(status) || matchesWord(status, 'active');
}
