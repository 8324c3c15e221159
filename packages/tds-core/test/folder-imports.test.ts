import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCycle, folderCycles, folderImportGraph } from './helpers/folder-import-graph';

// Folders of a package depend on each other one way (docs/architecture.md, "Folders"): a loop
// between two folders means a type or helper lives on the wrong side, and it is moved, not imported back.

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGES = ['tds-core', 'zoho-client', 'adapter-express', 'adapter-cli'];

describe('imports between the top-level folders of src/', () => {
  it.each(PACKAGES)('%s has no loop between folders', (name) => {
    const edges = folderImportGraph(join(packagesDir, name, 'src'));
    const loops = folderCycles(edges).map((cycle) => describeCycle(edges, cycle));
    expect(loops).toEqual([]);
  });

  it('reads the imports of tds-core (the graph is not empty, and the layering is the one intended)', () => {
    const edges = folderImportGraph(join(packagesDir, 'tds-core', 'src'));
    expect(edges.get('healer')?.has('health')).toBe(true);
    expect(edges.get('health')?.has('healer') ?? false).toBe(false);
    expect(edges.get('core')?.has('webhooks')).toBe(true);
    expect(edges.get('webhooks')?.has('core') ?? false).toBe(false);
    expect(edges.get('db')?.has('zoho-access') ?? false).toBe(false);
  });

  describe('finds a loop when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tds-folder-graph-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('index.ts', "export * from './a';\n");
    write('a/one.ts', "import type { B } from '../b/two';\nexport type A = B;\n");
    write('b/two.ts', "export { C as B } from '../c';\n");
    write('c/index.ts', "export type C = number;\nexport const later = () => import('../a/one');\n");
    write('d/four.ts', "import { x } from './local';\nimport 'kysely';\n");
    write('d/local.ts', 'export const x = 1;\n');

    it('through a type import, a re-export and a dynamic import, naming the files', () => {
      const edges = folderImportGraph(dir);
      const cycles = folderCycles(edges);
      expect(cycles).toEqual([['a', 'b', 'c']]);
      expect(describeCycle(edges, cycles[0]!).sort()).toEqual(['a → b (a/one.ts)', 'b → c (b/two.ts)', 'c → a (c/index.ts)']);
      expect(edges.has('d')).toBe(false);
    });
  });
});
