import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * rows/delay-server.ts in a process of its own (serveTds + 2 workers, as `tds serve` runs them) on
 * `databaseUrl`, verifying webhooks with `secret`; resolves with its port once it listens.
 */
export async function startTdsServerProcess(databaseUrl: string, secret: string): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(benchDir, 'src', 'rows', 'delay-server.ts')], {
    cwd: benchDir,
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the TDS server process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(Number(line.slice(6)));
    });
  });
  return { port, stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}
