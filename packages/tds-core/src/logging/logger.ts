import { pino, type Logger, type DestinationStream } from 'pino';
import { PINO_REDACT_PATHS, REDACTED } from './redact';

export type { Logger } from 'pino';

/** The one logger factory of TDS: JSON lines on stderr unless told otherwise (stdout is a command's output), secrets redacted by key. */
export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? 'info', name: options.name ?? 'tds', redact: { paths: PINO_REDACT_PATHS, censor: REDACTED } },
    options.destination ?? pino.destination(2),
  );
}
