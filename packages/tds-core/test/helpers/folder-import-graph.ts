import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** `from → to` between top-level folders of a src/ tree, with one importing file per edge as evidence. */
export type FolderEdges = Map<string, Map<string, string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The first path segment under src/, or null for files directly in src/ (index.ts and the like). */
function topFolder(srcDir: string, path: string): string | null {
  // `from '../db'` names the folder itself (its index.ts).
  const inFolder = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.ts') : path;
  const parts = relative(srcDir, inFolder).split(sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0]! : null;
}

/**
 * The folder-level import graph of `srcDir`: every relative import, `export … from`, `import type`
 * and dynamic `import()` (as TypeScript's own pre-processor finds them), mapped to the top-level
 * folders of the importing and imported file. Imports inside one folder are left out.
 */
export function folderImportGraph(srcDir: string): FolderEdges {
  const edges: FolderEdges = new Map();
  for (const file of sourceFiles(srcDir)) {
    const from = topFolder(srcDir, file);
    if (from === null) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = topFolder(srcDir, resolve(dirname(file), fileName));
      if (to === null || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, relative(srcDir, file));
    }
  }
  return edges;
}

/** The loops of the graph: its strongly connected components of more than one folder (Tarjan), sorted. */
export function folderCycles(edges: FolderEdges): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One line per edge inside a loop (`healer → health (healer/diagnose.ts)`), so a failure names the files to move. */
export function describeCycle(edges: FolderEdges, cycle: string[]): string[] {
  return cycle.flatMap((from) =>
    [...(edges.get(from) ?? [])].filter(([to]) => cycle.includes(to)).map(([to, file]) => `${from} → ${to} (${file})`),
  );
}
