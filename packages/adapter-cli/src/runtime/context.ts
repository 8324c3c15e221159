import type { CliIo } from './io';
import type { Env } from './environment';

/** What every command gets: where to write, where it runs, and the raw environment. */
export interface CliContext {
  io: CliIo;
  cwd: string;
  processEnv: Env;
  /** Secret values seen so far (configured credentials), scrubbed from any error the CLI prints. */
  secrets: Set<string>;
  /** The exit code a command asks for when it returns normally (0 unless set). */
  exitCode: number;
  /** Set once Ctrl-C / SIGTERM asked the command to stop. */
  interrupted: boolean;
}
