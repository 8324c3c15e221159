import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BenchLine, RowResult } from '../lib/row-result';

export type { BenchLine, RowResult };

const MARKER = 'BENCH_ROW ';

/**
 * Runs one row script (bench/src/rows/<row>.ts) in its own Node process, with the workspace
 * packages resolved to their sources. Its progress goes to our stderr; its result is the
 * `BENCH_ROW {json}` line it prints.
 */
export function runRow(benchDir: string, row: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RowResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `src/rows/${row}.ts`, ...args], {
      cwd: benchDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let result: RowResult | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith(MARKER)) result = JSON.parse(line.slice(MARKER.length)) as RowResult;
      else if (line.trim() !== '') process.stderr.write(`  [${row}] ${line}\n`);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`  [${row}] ${line}\n`));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result && code === 0) resolve(result);
      else reject(new Error(`row ${row} ${signal ? `was killed (${signal})` : `exited with ${code}`}${result ? '' : ' without a result'}`));
    });
  });
}
