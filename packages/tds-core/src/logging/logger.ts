import { pino, type Logger, type DestinationStream } from 'pino';
import { redactLogObject } from './redact-log-object';

export type { Logger } from 'pino';

/**
 * The one logger factory of TDS: JSON lines on stderr unless told otherwise (stdout is a command's
 * output), secrets redacted by key in the line's fields, a child's bindings and the objects of a
 * `%o`/`%j` message (redact-log-object.ts says why this is not pino's `redact` option).
 */
export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'tds',
      formatters: { log: redactLogObject, bindings: redactLogObject },
      hooks: { logMethod: redactFormatArguments },
    },
    options.destination ?? pino.destination(2),
  );
  // pino applies formatters.bindings to the root's bindings only; a child's go through here. Children
  // inherit from the root, so this covers grandchildren too.
  const makeChild = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return makeChild.call(this, redactLogObject(bindings), childOptions);
  } as Logger['child'];
  return logger;
}

function redactFormatArguments(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg !== null && typeof arg === 'object') args[i] = redactLogObject(arg);
  }
  method.apply(this, args);
}
