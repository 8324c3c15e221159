import { expectNamedEntryExports } from '@tsh/test-utils';
import { describe, expect, it } from 'vitest';
import * as entry from '../src';
import * as internal from '../src/internal';

describe('@tsh/tds-express public entry', () => {
  it('names every export (no export *) and stays small, types included', () => {
    expectNamedEntryExports(new URL('../src/index.ts', import.meta.url), 12);
  });

  it('exports exactly its public values at runtime', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'TdsExpressConfigError',
      'createTdsApp',
      'createTdsRouter',
      'serveTds',
    ]);
  });

  it('keeps internals out of the entry', () => {
    for (const name of ['tokensEqual', 'rawQuery', 'resolveTdsExpressOptions', 'dashboardDistDir', 'claimCtes', 'decideRetry']) expect(name in entry, name).toBe(false);
    for (const name of ['tokensEqual', 'resolveTdsExpressOptions', 'dashboardDistDir']) expect(name in internal, name).toBe(true);
  });
});
