/**
 * Re-runs a statement that lost a race another transaction won in the same instant (a deadlock,
 * or a unique-index race between two inserts of the same record). Each attempt is a whole statement,
 * so nothing is half-applied.
 */
export async function withRetryOn<T>(codes: readonly string[], run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !codes.includes(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** How often a queue statement may be re-run: inside a caller's transaction a failed statement has aborted it, so never. */
export const attemptsFor = (db: { isTransaction: boolean }) => (db.isTransaction ? 1 : 5);
