import type { CliIo } from './io';

export interface Shutdown {
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Resolves when the signal aborts (for commands that run until stopped). */
  stopped: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * The first Ctrl-C / SIGTERM aborts the signal so that work stops cleanly (cursor saved, queue
 * items released, database closed); a second one while stopping exits at once.
 */
export function installShutdown(io: CliIo, options: { exitOnSecondSignal?: boolean } = {}): Shutdown {
  const controller = new AbortController();
  let resolveStopped!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (options.exitOnSecondSignal ?? true) {
        io.stderr.write(`\n${signal} again: exiting without a clean stop\n`);
        process.exit(130);
      }
      return;
    }
    io.stderr.write(`\n${signal} received: stopping cleanly (press Ctrl-C again to force)\n`);
    controller.abort(new Error(`stopped by ${signal}`));
    resolveStopped(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stopped,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
