import type { LoggerLike } from '../../db/logger-like';
import { errorText } from '../../queue/error-text';
import { scrubbedSnippet } from '../sanitize';
import type { AlertNotice, AlertSink } from './types';

const DEFAULT_SINK_TIMEOUT_MS = 10_000;

/**
 * Hands every notice to every sink, all at once. A sink that throws, rejects or hangs past the
 * timeout is logged and skipped: it never breaks or blocks evaluation. Returns the failures seen.
 */
export async function notifySinks(
  sinks: readonly AlertSink[],
  notices: readonly AlertNotice[],
  options: { logger?: LoggerLike; timeoutMs?: number } = {},
): Promise<Array<{ sink: string; code: string; error: string }>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS;
  const failures: Array<{ sink: string; code: string; error: string }> = [];
  const deliveries = sinks.flatMap((sink, index) =>
    notices.map(async (notice) => {
      const name = sink.name ?? `sink ${index + 1}`;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => sink.send(notice)),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        const text = scrubbedSnippet(errorText(error)) ?? 'unknown error';
        failures.push({ sink: name, code: notice.code, error: text });
        options.logger?.warn({ sink: name, alert: notice.code, event: notice.event, err: text }, 'alert sink failed; evaluation goes on');
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  await Promise.all(deliveries);
  return failures;
}
