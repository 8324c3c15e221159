import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { cliPath, repoDir } from './built-cli';

// The built dist/cli.js imports the workspace packages; with the `source` condition they resolve
// to their TypeScript sources (loaded by tsx), so only this package needs a build for the tests.
const tsxLoader = pathToFileURL(createRequire(`${repoDir}/package.json`).resolve('tsx')).href;
const NODE_ARGS = ['--conditions=source', '--import', tsxLoader, cliPath];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The whole environment of the child besides PATH and HOME (nothing else is inherited). */
  env?: Record<string, string | undefined>;
  cwd: string;
  timeoutMs?: number;
}

function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (or stdout with `on: 'stdout'`). */
  waitFor(pattern: RegExp, options?: { on?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** Spawns the built CLI and keeps reading its output (asynchronously: a sandbox in this process must keep answering). */
export function startCli(args: ReadonlyArray<string>, options: CliRunOptions): RunningCli {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), notify()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), notify()));
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, { on = 'stderr', timeoutMs = 60_000 } = {}) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = () => {
          if (done) return;
          const match = (on === 'stdout' ? stdout : stderr).match(pattern);
          if (match) finish(() => resolve(match));
          else if (child.exitCode !== null || child.signalCode !== null) {
            finish(() => reject(new Error(`tds exited before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
          }
        };
        const waitTimer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`))), timeoutMs);
        const finish = (settle: () => void) => {
          done = true;
          clearTimeout(waitTimer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        void exited.then(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built CLI to completion. */
export function runCli(args: ReadonlyArray<string>, options: CliRunOptions): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** Parses a --json stdout: exactly one JSON document. */
export function parseJsonOutput(result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout);
  } catch (error) {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`, { cause: error });
  }
}
