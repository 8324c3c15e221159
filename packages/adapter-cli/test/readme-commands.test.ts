import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program';
import { packageDir } from './helpers/built-cli';

// The package README's command table is written by hand; this keeps it equal to the commander
// definitions: every command is listed, and every flag a row names exists on that command.

function leafCommands(program: Command): Map<string, Command> {
  const leaves = new Map<string, Command>();
  const walk = (command: Command, prefix: string) => {
    for (const child of command.commands) {
      if (child.name() === 'help') continue;
      const name = `${prefix}${child.name()}`;
      if (child.commands.length > 0) walk(child, `${name} `);
      else leaves.set(name, child);
    }
  };
  walk(program, '');
  return leaves;
}

/** The first cell of each row of the README's "Commands" table: one or more `command [flags]` spans. */
function readmeRows(readme: string): string[][] {
  const section = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Output and exit codes'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(/(?<!\\)\|/)[1]!)
    .map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('packages/adapter-cli/README.md', () => {
  const program = buildProgram({
    io: { stdout: new PassThrough(), stderr: new PassThrough(), stderrIsTTY: false },
    cwd: process.cwd(),
    processEnv: {},
    secrets: new Set(),
    exitCode: 0,
    interrupted: false,
  });
  const commands = leafCommands(program);
  const rows = readmeRows(readFileSync(join(packageDir, 'README.md'), 'utf8'));
  const spans = rows.flat();

  it('lists every command of the program, and only those', () => {
    const documented = spans.map((span) => [...commands.keys()].find((name) => span === name || span.startsWith(`${name} `)) ?? `unknown: ${span}`);
    expect([...new Set(documented)].sort()).toEqual([...commands.keys()].sort());
  });

  it('names only flags the command has', () => {
    const wrong = spans.flatMap((span) => {
      const name = [...commands.keys()].find((n) => span === n || span.startsWith(`${n} `));
      if (!name) return [];
      const known = new Set(commands.get(name)!.options.flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
      return [...span.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).filter((flag) => !known.has(flag)).map((flag) => `${name} ${flag}`);
    });
    expect(wrong).toEqual([]);
  });
});
