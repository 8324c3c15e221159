import { buildProgram } from './program';
import type { CliContext } from './runtime/context';
import { processIo, type CliIo } from './runtime/io';
import { reportError } from './runtime/report-error';

export interface RunCliOptions {
  io?: CliIo;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** Runs `tds` with the given arguments (without `node` and the script) and resolves to its exit code. */
export async function runCli(args: ReadonlyArray<string>, options: RunCliOptions = {}): Promise<number> {
  const ctx: CliContext = {
    io: options.io ?? processIo(),
    cwd: options.cwd ?? process.cwd(),
    processEnv: options.env ?? process.env,
    secrets: new Set(),
    exitCode: 0,
    interrupted: false,
  };
  try {
    await buildProgram(ctx).parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    const debug = ['debug', 'trace'].includes(String(ctx.processEnv.TDS_LOG_LEVEL));
    return reportError(ctx, error, { interrupted: ctx.interrupted, debug, json: args.includes('--json') });
  }
}
