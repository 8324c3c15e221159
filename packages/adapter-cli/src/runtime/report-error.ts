import { CommanderError } from 'commander';
import { ConfigError, OrganizationBindingError } from '@tsh/tds-core';
import { redactSecrets } from '@tsh/zoho-client/internal';
import { CliError, EXIT } from './cli-error';
import { configErrorMessage } from './config';
import type { CliContext } from './context';
import { writeLine } from './io';

// Errors of other packages that mean "configured wrongly" rather than "failed while working".
const CONFIG_ERROR_NAMES = new Set(['DatabaseConfigError', 'TdsExpressConfigError', 'ZohoConfigError']);

/** Prints an error as one message on stderr (secrets scrubbed) and returns the exit code. */
export function reportError(ctx: CliContext, error: unknown, options: { interrupted?: boolean; debug?: boolean } = {}): number {
  const say = (text: string) => writeLine(ctx.io.stderr, redactSecrets(text, [...ctx.secrets]));
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help) on the configured output
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ConfigError) {
    say(`tds: ${configErrorMessage(error)}`);
    return EXIT.usage;
  }
  if (error instanceof OrganizationBindingError) {
    // Pointed at another organization's database: the setup is wrong, not the run (exit 2).
    say(`tds: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    say(`tds: ${error.message}`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  if (options.interrupted) {
    say(`tds: stopped before finishing (${err.message})`);
    return EXIT.interrupted;
  }
  if (CONFIG_ERROR_NAMES.has(err.name)) {
    say(`tds: configuration error: ${err.message}`);
    return EXIT.usage;
  }
  say(`tds: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`);
  if (options.debug && err.stack) say(err.stack);
  return EXIT.failure;
}
