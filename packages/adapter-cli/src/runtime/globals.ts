import type { Command } from 'commander';
import type { GlobalOptions } from './session';

/** The program-wide flags (--dotenv, --log-level) as seen from a subcommand's action. */
export function globalsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ dotenv?: string; logLevel?: string }>();
  return { envFile: all.dotenv, logLevel: all.logLevel };
}
