import { ensureCliBuilt } from '../../../adapter-cli/test/helpers/built-cli';
import { startCli, type CliResult, type RunningCli } from '../../../adapter-cli/test/helpers/run-cli';

export { ensureCliBuilt };

/** One spawned `tds` process (the built CLI, workspace packages from source). */
export interface TdsProcess {
  name: string;
  cli: RunningCli;
  pid: number;
}

/** A long-running role (`serve`, `worker`) kept running: whenever its process exits it is started again. */
export interface Supervised {
  role: string;
  current(): TdsProcess;
  /** Resolves when the process started after `previous` is ready. */
  restarted(previous: TdsProcess): Promise<TdsProcess>;
}

export interface Crash {
  name: string;
  pid: number;
  exit: string;
  stderr: string;
}

const TAIL = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `tds` processes of a chaos run: started from the built CLI with one environment, killed at
 * will and restarted like a service manager would. An exit the test did not ask for is a crash:
 * it is recorded (the test fails on it) and the process is started again so the run can go on.
 */
export class TdsProcesses {
  private readonly running = new Set<TdsProcess>();
  private readonly finished: Array<{ name: string; result: CliResult }> = [];
  private readonly expectedExits = new Set<TdsProcess>();
  readonly crashes: Crash[] = [];
  private counter = 0;
  private stopping = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly cwd: string,
  ) {}

  start(name: string, args: string[]): TdsProcess {
    const cli = startCli(args, { cwd: this.cwd, env: this.env, timeoutMs: 15 * 60_000 });
    const proc: TdsProcess = { name: `${name}#${++this.counter}`, cli, pid: cli.child.pid ?? -1 };
    this.running.add(proc);
    void cli.exited.then((result) => {
      this.running.delete(proc);
      this.finished.push({ name: proc.name, result });
    });
    return proc;
  }

  /**
   * Starts `args` and keeps it running: `ready` tells when a started process is usable (its value
   * goes to `onReady`, e.g. the URL `tds serve` listens on).
   */
  async supervise<T>(role: string, args: string[], ready: (proc: TdsProcess) => Promise<T>, onReady: (value: T, proc: TdsProcess) => void): Promise<Supervised> {
    const waiters: Array<{ previous: TdsProcess; resolve: (proc: TdsProcess) => void }> = [];
    let current!: TdsProcess;
    const launch = async (): Promise<void> => {
      const proc = this.start(role, args);
      current = proc;
      onReady(await ready(proc), proc);
      for (const w of waiters.splice(0).filter((w) => w.previous !== proc)) w.resolve(proc);
      void proc.cli.exited.then(async (result) => {
        if (this.stopping) return;
        if (!this.expectedExits.has(proc)) {
          this.crashes.push({ name: proc.name, pid: proc.pid, exit: result.signal ?? `code ${result.code}`, stderr: result.stderr.slice(-TAIL) });
        }
        await sleep(1000);
        if (!this.stopping) await launch();
      });
    };
    await launch();
    return {
      role,
      current: () => current,
      restarted: (previous) =>
        current !== previous && current.cli.child.exitCode === null ? Promise.resolve(current) : new Promise((resolve) => waiters.push({ previous, resolve })),
    };
  }

  /** `tds serve` without workers or scheduler (the workers are separate processes); `onUrl` gets each URL it listens on. */
  serve(onUrl: (url: string) => void): Promise<Supervised> {
    return this.supervise(
      'serve',
      ['serve', '--port', '0', '--host', '127.0.0.1', '--no-workers', '--no-scheduler'],
      async (proc) => (await proc.cli.waitFor(/listening on (http:\/\/\S+)/, { timeoutMs: 120_000 }))[1]!,
      onUrl,
    );
  }

  /** `tds worker --workers 2`, ready once it says it is processing the queue. */
  worker(): Promise<Supervised> {
    return this.supervise(
      'worker',
      ['worker', '--workers', '2'],
      async (proc) => void (await proc.cli.waitFor(/workers processing the queue/, { timeoutMs: 120_000 })),
      () => {},
    );
  }

  /** Kills a process on purpose (not a crash). */
  async kill(proc: TdsProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<CliResult> {
    this.expectedExits.add(proc);
    proc.cli.child.kill(signal);
    return proc.cli.exited;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running].map((p) => p.cli.stop('SIGTERM')));
  }

  /** The end of what every process printed, for a failure message. */
  tails(): string {
    const running = [...this.running].map((p) => ({ name: `${p.name} (running)`, stdout: p.cli.stdout(), stderr: p.cli.stderr() }));
    const done = this.finished.map((f) => ({ name: `${f.name} (exit ${f.result.code ?? f.result.signal})`, stdout: f.result.stdout, stderr: f.result.stderr }));
    return [...done, ...running]
      .map((p) => `--- ${p.name}\nstdout: ${p.stdout.slice(-TAIL)}\nstderr: ${p.stderr.slice(-TAIL)}`)
      .join('\n');
  }
}
