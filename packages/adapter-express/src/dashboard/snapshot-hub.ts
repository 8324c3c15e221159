export interface HubMessage {
  event: 'snapshot' | 'problem';
  data: unknown;
}

/**
 * One reader shared by every open event stream: while anyone listens it reads a snapshot every
 * `intervalMs` and hands it to all of them, so ten open dashboards cost one read, not ten.
 */
export function createSnapshotHub(read: () => Promise<unknown>, intervalMs: number, describeError: (error: unknown) => string) {
  const listeners = new Set<(message: HubMessage) => void>();
  let timer: NodeJS.Timeout | undefined;
  let latest: HubMessage | undefined;
  let reading: Promise<void> | undefined;

  const tick = () => {
    reading ??= read()
      .then((data): HubMessage => ({ event: 'snapshot', data }))
      .catch((error: unknown): HubMessage => ({ event: 'problem', data: { message: describeError(error) } }))
      .then((message) => {
        latest = message;
        for (const listener of [...listeners]) listener(message);
      })
      .finally(() => {
        reading = undefined;
      });
  };

  return {
    subscribe(listener: (message: HubMessage) => void): () => void {
      listeners.add(listener);
      if (latest) listener(latest);
      if (!timer) {
        timer = setInterval(tick, intervalMs);
        timer.unref();
        tick();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
          latest = undefined;
        }
      };
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
