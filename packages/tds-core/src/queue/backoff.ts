import { QueueInputError, type BackoffOptions } from './types';

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseSeconds: 1, maxSeconds: 300, jitter: 0.2 };

export function resolveBackoff(options: BackoffOptions = {}): Required<BackoffOptions> {
  const backoff = { ...DEFAULT_BACKOFF, ...options };
  const ok =
    Number.isFinite(backoff.baseSeconds) && backoff.baseSeconds >= 0 &&
    Number.isFinite(backoff.maxSeconds) && backoff.maxSeconds >= backoff.baseSeconds &&
    Number.isFinite(backoff.jitter) && backoff.jitter >= 0 && backoff.jitter < 1 / 3;
  // Jitter below one third keeps every delay longer than the one before (base·2ⁿ·(1+j) < base·2ⁿ⁺¹·(1−j)).
  if (!ok) throw new QueueInputError(['backoff: needs 0 ≤ baseSeconds ≤ maxSeconds and 0 ≤ jitter < 1/3']);
  return backoff;
}
