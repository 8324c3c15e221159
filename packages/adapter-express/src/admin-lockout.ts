/**
 * Slows down guessing of the admin token (docs/security.md): per client address, after
 * `maxFailures` wrong tokens within `windowMs`, every admin request from that address is answered
 * 429 for a block that doubles with each further block (up to `maxBlockMs`). The right token
 * clears the address. At most `maxTracked` addresses are remembered (oldest dropped first), so a
 * flood of addresses cannot grow memory without bound.
 */
export interface AdminLockoutOptions {
  /** Wrong tokens allowed within the window (default 5). */
  maxFailures?: number;
  /** Default 60 000 ms. */
  windowMs?: number;
  /** First block (default 30 000 ms); each further block doubles it. */
  baseBlockMs?: number;
  /** Default 900 000 ms (15 min). */
  maxBlockMs?: number;
  /** Default 10 000 addresses. */
  maxTracked?: number;
  /** Time source (tests). */
  now?: () => number;
}

export interface AdminLockout {
  /** Milliseconds this address must still wait; 0 when it may try. */
  blockedFor(address: string): number;
  /** A wrong token from this address. */
  failed(address: string): void;
  /** The right token: the address starts afresh. */
  succeeded(address: string): void;
}

interface AddressState {
  failures: number[];
  blocks: number;
  blockedUntil: number;
}

export function createAdminLockout(options: AdminLockoutOptions = {}): AdminLockout {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const baseBlockMs = options.baseBlockMs ?? 30_000;
  const maxBlockMs = options.maxBlockMs ?? 15 * 60_000;
  const maxTracked = options.maxTracked ?? 10_000;
  const now = options.now ?? Date.now;
  // A Map keeps insertion order: re-inserting on each failure makes the first key the stalest.
  const states = new Map<string, AddressState>();

  return {
    blockedFor(address) {
      const state = states.get(address);
      return state ? Math.max(0, state.blockedUntil - now()) : 0;
    },
    failed(address) {
      const at = now();
      const state = states.get(address) ?? { failures: [], blocks: 0, blockedUntil: 0 };
      states.delete(address);
      state.failures = state.failures.filter((t) => t > at - windowMs);
      state.failures.push(at);
      if (state.failures.length >= maxFailures) {
        state.blocks += 1;
        state.blockedUntil = at + Math.min(maxBlockMs, baseBlockMs * 2 ** (state.blocks - 1));
        // Another wrong token right after the block re-blocks at once, for twice as long.
        state.failures = state.failures.slice(-(maxFailures - 1));
      }
      states.set(address, state);
      while (states.size > maxTracked) states.delete(states.keys().next().value!);
    },
    succeeded(address) {
      states.delete(address);
    },
  };
}
