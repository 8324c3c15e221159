import { scrubSecrets } from '@tsh/zoho-client/internal';

export { scrubSecrets };

/** scrubSecrets for a nullable text, cut to a readable length. */
export function scrubbedSnippet(text: string | null | undefined, secrets: ReadonlyArray<string | null | undefined> = [], max = 300): string | null {
  if (text === null || text === undefined) return null;
  const clean = scrubSecrets(text, secrets);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
