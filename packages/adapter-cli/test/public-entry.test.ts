import { expectNamedEntryExports } from '@tsh/test-utils';
import { describe, expect, it } from 'vitest';
import * as entry from '../src';

describe('@tsh/tds-cli public entry', () => {
  it('names every export (no export *) and stays small, types included', () => {
    expectNamedEntryExports(new URL('../src/index.ts', import.meta.url), 15);
  });

  it('exports exactly its public values at runtime', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'CliError',
      'ENTITIES',
      'EXIT',
      'UsageError',
      'buildProgram',
      'parseEntities',
      'runCli',
      'runDemo',
    ]);
  });

  it('keeps internals out of the entry', () => {
    for (const name of ['registerSandbox', 'claimCtes', 'decideRetry', 'tokensEqual', 'startZohoSandbox']) expect(name in entry, name).toBe(false);
  });
});
