import type { SeededRandom } from '../random';

/** One injected failure: a 5xx with a JSON or an HTML body, a random 429, a slow answer, a dropped connection, invalid records. */
export type SandboxFaultKind = 'error' | 'html-error' | 'rate-limit' | 'slow' | 'reset' | 'invalid';

/**
 * Fault injection, settable at run time (`sandbox.faults.errorRate = 0.2`).
 * Rates are probabilities per API request, drawn from a seeded stream;
 * `queue` forces the next requests' faults in order, for exact tests.
 */
export interface SandboxFaults {
  /** 5xx answers; some of them carry an HTML body (see htmlShare). */
  errorRate: number;
  /** Share of injected 5xx answers whose body is an HTML page. */
  htmlShare: number;
  /** Random 429s on top of the real limits. */
  rateLimitRate: number;
  /** Answers delayed by slowMs (longer than a client's timeout). */
  slowRate: number;
  slowMs: number;
  /** Connections dropped without an answer. */
  resetRate: number;
  /** Records in a response replaced, one each, by a deliberately invalid version. */
  invalidRate: number;
  /** Faults forced on the next API requests, consumed in order. */
  queue: SandboxFaultKind[];
}

export const NO_FAULTS: Omit<SandboxFaults, 'queue'> = {
  errorRate: 0,
  htmlShare: 0.3,
  rateLimitRate: 0,
  slowRate: 0,
  slowMs: 30_000,
  resetRate: 0,
  invalidRate: 0,
};

export function createFaults(initial: Partial<SandboxFaults> = {}): SandboxFaults {
  return { ...NO_FAULTS, ...initial, queue: [...(initial.queue ?? [])] };
}

/** The fault for one request (invalid records are decided per record later). */
export function drawFault(faults: SandboxFaults, random: SeededRandom): SandboxFaultKind | undefined {
  const forced = faults.queue.shift();
  if (forced) return forced;
  if (faults.resetRate > 0 && random.chance(faults.resetRate)) return 'reset';
  if (faults.errorRate > 0 && random.chance(faults.errorRate)) return random.chance(faults.htmlShare) ? 'html-error' : 'error';
  if (faults.rateLimitRate > 0 && random.chance(faults.rateLimitRate)) return 'rate-limit';
  if (faults.slowRate > 0 && random.chance(faults.slowRate)) return 'slow';
  return undefined;
}

/** Breaks one record the way a bad upstream row could: no id, a non-numeric rate, a bad timestamp, a null name. */
export function corruptRecord(record: Record<string, unknown>, idKey: string, random: SeededRandom): Record<string, unknown> {
  const broken = { ...record };
  switch (random.int(0, 3)) {
    case 0:
      delete broken[idKey];
      break;
    case 1:
      if ('rate' in broken) broken.rate = 'not-a-number';
      else broken.total = 'not-a-number';
      break;
    case 2:
      broken.last_modified_time = 'yesterday afternoon';
      break;
    default:
      if ('name' in broken) broken.name = null;
      else broken[idKey] = { unexpected: true };
  }
  return broken;
}
