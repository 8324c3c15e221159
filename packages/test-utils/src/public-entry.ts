import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect } from 'vitest';

/** The names an index.ts exports, types included, and whether it re-exports a whole module (export *). */
export function declaredExports(path: URL): { names: string[]; exportStar: boolean } {
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

/** A public entry names every export (no export *), names each once, and declares at most maxNames, types included. */
export function expectNamedEntryExports(indexPath: URL, maxNames: number): void {
  const { names, exportStar } = declaredExports(indexPath);
  expect(exportStar).toBe(false);
  expect(new Set(names).size).toBe(names.length);
  expect(names.length).toBeLessThanOrEqual(maxNames);
}
