import { createLogger, type Logger } from '@tsh/tds-core';
import { pino } from 'pino';
import type { Env } from './environment';

/**
 * JSON log lines on stderr (stdout is for results). One-shot commands log warnings only unless
 * TDS_LOG_LEVEL (or --log-level) asks for more; long-running ones default to info.
 */
export function createCliLogger(env: Env, options: { longRunning?: boolean; level?: string } = {}): Logger {
  const level = options.level ?? env.TDS_LOG_LEVEL ?? (options.longRunning ? 'info' : 'warn');
  return createLogger({ level, name: 'tds', destination: pino.destination({ dest: 2, sync: true }) });
}
