/** Time source and sleep, injectable so tests can run hours of backoff in milliseconds. */
export interface ZohoClock {
  now(): number;
  /** Resolves after `ms`; may resolve early once `signal` aborts (callers race the signal anyway). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// Globals are looked up at call time so that test fake timers apply.
export const systemClock: ZohoClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // An aborted wait stops its timer, so nothing of an abandoned call keeps the process busy.
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};
