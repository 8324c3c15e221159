import { CommanderError } from 'commander';
import { ConfigError, OrganizationBindingError } from '@tsh/tds-core';
import { redactSecrets } from '@tsh/zoho-client/internal';
import { CliError, EXIT } from './cli-error';
import { configErrorMessage } from './config';
import type { CliContext } from './context';
import { writeLine } from './io';
import { printJson } from './output';

// Errors of other packages that mean "configured wrongly" rather than "failed while working".
const CONFIG_ERROR_NAMES = new Set(['DatabaseConfigError', 'TdsExpressConfigError', 'ZohoConfigError']);

interface Failure {
  exitCode: number;
  /** A stable word for scripts reading the --json document. */
  code: string;
  /** Printed after `tds: `; undefined when commander already printed its own message. */
  message?: string;
  stack?: string;
}

function classify(error: unknown, interrupted: boolean): Failure {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help) on the configured output
    return { exitCode: error.exitCode === 0 ? EXIT.ok : EXIT.usage, code: 'usage' };
  }
  if (error instanceof ConfigError) return { exitCode: EXIT.usage, code: 'config_error', message: configErrorMessage(error) };
  // Pointed at another organization's database: the setup is wrong, not the run (exit 2).
  if (error instanceof OrganizationBindingError) return { exitCode: EXIT.usage, code: 'organization_binding', message: error.message };
  if (error instanceof CliError) {
    const code = error.exitCode === EXIT.usage ? 'usage' : error.exitCode === EXIT.quotaSpent ? 'quota_spent' : 'failed';
    return { exitCode: error.exitCode, code, message: error.message };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  if (interrupted) return { exitCode: EXIT.interrupted, code: 'interrupted', message: `stopped before finishing (${err.message})` };
  if (CONFIG_ERROR_NAMES.has(err.name)) return { exitCode: EXIT.usage, code: 'config_error', message: `configuration error: ${err.message}` };
  const own = (err as { code?: unknown }).code;
  return {
    exitCode: EXIT.failure,
    code: typeof own === 'string' && /^[\w.-]{1,64}$/.test(own) ? own : 'failed',
    message: `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`,
    stack: err.stack,
  };
}

/**
 * Prints an error as one message on stderr (secrets scrubbed) and returns the exit code. With
 * --json, stdout also gets one JSON document saying so - `{ "ok": false, "error": { code,
 * message, exitCode } }` - so a script reading stdout never parses an empty answer.
 */
export function reportError(ctx: CliContext, error: unknown, options: { interrupted?: boolean; debug?: boolean; json?: boolean } = {}): number {
  const redact = (text: string) => redactSecrets(text, [...ctx.secrets]);
  const failure = classify(error, options.interrupted ?? false);
  if (failure.message !== undefined) writeLine(ctx.io.stderr, redact(`tds: ${failure.message}`));
  if (options.debug && failure.stack) writeLine(ctx.io.stderr, redact(failure.stack));
  if (options.json && failure.exitCode !== EXIT.ok) {
    const message = failure.message ?? (error instanceof Error ? error.message.replace(/^error: /, '') : String(error));
    printJson(ctx.io, { ok: false, error: { code: failure.code, message: redact(message), exitCode: failure.exitCode } });
  }
  return failure.exitCode;
}
