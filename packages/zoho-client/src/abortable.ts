import type { ZohoClock } from './clock';

/** Per-call options every resource method takes. */
export interface ZohoCallOptions {
  /** Aborting it cancels the HTTP request in flight and ends any rate-limit, quota or retry wait. */
  signal?: AbortSignal;
  /**
   * When the daily quota of the API this call needs is spent: overrides the client's
   * `onDailyQuotaExhausted` for this call ('fail' throws ZohoQuotaExhaustedError at once, with the reset time).
   */
  onDailyQuotaExhausted?: 'wait' | 'fail';
  /**
   * Longest wait for a rate-limit slot, a 429 pause or a retry backoff (ms): a longer one ends the call
   * at once with ZohoWaitTooLongError carrying `retryAt`, so a caller with other work (a queue
   * worker) is never held. Unset: the call waits as long as it takes.
   */
  maxWaitMs?: number;
}

/** The per-call options a resource passes on to request(). */
export function callOptions(options: ZohoCallOptions): ZohoCallOptions {
  return { signal: options.signal, onDailyQuotaExhausted: options.onDailyQuotaExhausted, maxWaitMs: options.maxWaitMs };
}

/** The reason of an aborted signal, as thrown by `signal.throwIfAborted()`. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `clock.sleep(ms)` that ends early (rejecting) when the signal aborts; the clock may stop its timer too. */
export function sleepUnlessAborted(clock: ZohoClock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return raceAbort(clock.sleep(ms, signal), signal);
}
