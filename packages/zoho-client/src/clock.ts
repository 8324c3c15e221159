/** Time source and sleep, injectable so tests can run hours of backoff in milliseconds. */
export interface ZohoClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

// Globals are looked up at call time so that test fake timers apply.
export const systemClock: ZohoClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
