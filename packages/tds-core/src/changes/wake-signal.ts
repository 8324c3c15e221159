/** A sleep that ends early when woken (a NOTIFY arrived) or stopped. */
export interface WakeSignal {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let resolveSleep: (() => void) | undefined;
  return {
    sleep(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolveSleep = undefined;
          pending = false;
          resolve();
        }
        resolveSleep = done;
      });
    },
    wake() {
      if (resolveSleep) resolveSleep();
      else pending = true;
    },
  };
}
