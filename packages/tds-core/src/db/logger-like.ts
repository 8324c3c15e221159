/** The slice of a pino logger the core needs; any pino logger fits, and so does a plain object in tests. */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: LoggerLike = { debug() {}, info() {}, warn() {}, error() {} };
