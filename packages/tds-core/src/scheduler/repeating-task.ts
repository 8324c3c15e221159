export interface RepeatingTask<T> {
  /** Runs the job now; a call while a run is in progress joins that run instead of racing it. */
  run(): Promise<T>;
  /** Runs it every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/** A job run on demand and on a schedule, one run at a time. */
export function createRepeatingTask<T>(name: string, job: () => Promise<T>, onError?: (error: unknown) => void): RepeatingTask<T> {
  let running: Promise<T> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  function run(): Promise<T> {
    running ??= job().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(intervalMs: number): void {
    timer = setTimeout(() => {
      run()
        .catch((error: unknown) => onError?.(error))
        .finally(() => {
          if (!stopped) schedule(intervalMs);
        });
    }, intervalMs);
    timer.unref();
  }

  return {
    run,
    start(intervalMs) {
      if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`${name} interval must be a positive number of ms`);
      if (!stopped) return;
      stopped = false;
      schedule(intervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
