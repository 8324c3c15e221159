import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as entry from '../src';
import * as internal from '../src/internal';

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

describe('@tsh/zoho-client public entry', () => {
  it('names every export (no export *) and stays small, types included', () => {
    const { names, exportStar } = declaredExports(new URL('../src/index.ts', import.meta.url));
    expect(exportStar).toBe(false);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(48);
  });

  it('exports exactly its public values at runtime', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'ZohoAbortedError',
      'ZohoApiError',
      'ZohoAuthError',
      'ZohoConfigError',
      'ZohoError',
      'ZohoQuotaExhaustedError',
      'ZohoStreamBrokenError',
      'ZohoValidationError',
      'ZohoWaitTooLongError',
      'ZohoWebhookError',
      'ZohoWriteBlockedError',
      'createMemoryTokenStore',
      'createZohoClient',
      'parseZohoWebhook',
      'signZohoWebhook',
      'verifyZohoWebhookSignature',
    ]);
  });

  it('keeps internals out of the entry', () => {
    for (const name of ['decideRetry', 'fullJitterDelay', 'toListQuery', 'createListResource', 'itemSchema', 'redactSecrets', 'claimCtes', 'tokensEqual']) expect(name in entry, name).toBe(false);
    for (const name of ['decideRetry', 'fullJitterDelay', 'toListQuery', 'createListResource', 'itemSchema']) expect(name in internal, name).toBe(true);
  });
});
