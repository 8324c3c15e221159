/** Exit codes of the `tds` command. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** A sync stopped because Zoho's daily quota is spent (without --wait); its checkpoint is kept. */
  quotaSpent: 3,
  /** Stopped by Ctrl-C / SIGTERM before finishing (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

/** An error the CLI prints as one message (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments or configuration: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
