import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as entry from '../src';
import * as mswEntry from '../src/msw';

/** The names src/index.ts exports, types included, and whether it re-exports a whole module. */
function declaredExports(path: URL): { names: string[]; exportStar: boolean } {
  const source = ts.createSourceFile('index.ts', readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  let exportStar = false;
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) exportStar = true;
    else names.push(...statement.exportClause.elements.map((element) => element.name.text));
  }
  return { names, exportStar };
}

describe('@tsh/zoho-sandbox public entry', () => {
  it('names every export (no export *) and stays small, types included', () => {
    const { names, exportStar } = declaredExports(new URL('../src/index.ts', import.meta.url));
    expect(exportStar).toBe(false);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(56);
  });

  it('exports exactly its public values at runtime', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'CONSUMER_PRICE_LIST',
      'LARGE_INVOICE_MINIMUM',
      'SANDBOX_DEFAULTS',
      'SandboxStore',
      'USD_EXCHANGE_RATE',
      'WHOLESALE_PRICE_LIST',
      'createSandboxStore',
      'sandboxEnvironment',
      'sandboxFormatZohoTime',
      'sandboxParseZohoTime',
      'sandboxWebhookSignature',
      'startZohoSandbox',
    ]);
  });

  it('keeps internals out of the entry', () => {
    for (const name of ['zohoSandboxHandlers', 'SandboxOAuth', 'SandboxRateLimiter', 'routeApi', 'admitApiRequest', 'claimCtes', 'decideRetry', 'tokensEqual']) expect(name in entry, name).toBe(false);
  });

  it('keeps the msw handlers on their own subpath, so the server needs no msw', () => {
    expect(Object.keys(mswEntry).sort()).toEqual(['createSandboxStore', 'zohoSandboxHandlers']);
  });
});
