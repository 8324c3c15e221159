import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A clone of the repository must be readable on its own (docs/README.md): code, tests and READMEs
// cite the design notes in docs/, never files that only exist beside the repository on a
// developer's machine. Tracked files only (`git ls-files`), read as they are in the working tree.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Written without the literal names, so this file never matches itself.
const OUTSIDE_NOTES = /(?<![\w/-])(?:design|zoho-facts)\.md\b/g;
const OUTSIDE_FOLDER = /(?:\.\.\/|\/work\/)shared\b/g;
// `docs/<note>.md` of the root docs folder, also as `../../docs/<note>.md`; not `examples/docs/<note>.md`.
const DOCS_CITATION = /(?<![\w-])(?<![\w-]\/)docs\/([\w.-]+\.md)/g;
// Relative markdown links inside a docs note: [text](other.md) or [text](other.md#section).
const RELATIVE_MD_LINK = /\]\((?!https?:|\/)([^)#\s]+\.md)(?:#[^)\s]*)?\)/g;

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter((path) => path !== '');
}

/** The text of a tracked file, or null for binaries and files deleted in the working tree. */
function textOf(path: string): string | null {
  const absolute = join(repoRoot, path);
  if (!existsSync(absolute)) return null;
  const bytes = readFileSync(absolute);
  if (bytes.subarray(0, 8000).includes(0)) return null;
  return bytes.toString('utf8');
}

interface Hit {
  file: string;
  line: number;
  text: string;
}

function hitsOf(file: string, text: string, pattern: RegExp): Array<Hit & { match: RegExpExecArray }> {
  const hits: Array<Hit & { match: RegExpExecArray }> = [];
  for (const match of text.matchAll(pattern)) {
    const line = text.slice(0, match.index).split('\n').length;
    hits.push({ file, line, text: match[0], match });
  }
  return hits;
}

export function outsideCitations(file: string, text: string): Hit[] {
  return [...hitsOf(file, text, OUTSIDE_NOTES), ...hitsOf(file, text, OUTSIDE_FOLDER)].map(({ match: _match, ...hit }) => hit);
}

export function docsTargets(file: string, text: string): Array<Hit & { target: string }> {
  const cited = hitsOf(file, text, DOCS_CITATION).map(({ match, ...hit }) => ({ ...hit, target: `docs/${match[1]}` }));
  if (!(file.startsWith('docs/') && file.endsWith('.md'))) return cited;
  const linked = hitsOf(file, text, RELATIVE_MD_LINK).map(({ match, ...hit }) => ({
    ...hit,
    target: normalize(join(dirname(file), match[1]!)).replaceAll('\\', '/'),
  }));
  return [...cited, ...linked];
}

describe('the repository stands alone', () => {
  const files = trackedFiles();
  const tracked = new Set(files);
  const texts = files.flatMap((file) => {
    const text = textOf(file);
    return text === null ? [] : [{ file, text }];
  });

  it('reads the tracked files, docs/ included', () => {
    expect(tracked.has('docs/README.md')).toBe(true);
    expect(texts.some(({ file }) => file === 'packages/tds-core/src/db/schema.ts')).toBe(true);
  });

  it('no tracked file outside docs/ cites the design notes or the shared folder kept beside the repository', () => {
    const hits = texts.filter(({ file }) => !file.startsWith('docs/')).flatMap(({ file, text }) => outsideCitations(file, text));
    expect(hits.map((h) => `${h.file}:${h.line}: ${h.text}`)).toEqual([]);
  });

  it('every docs/*.md cited anywhere, and every note linked from a docs note, is a tracked file', () => {
    const broken = texts.flatMap(({ file, text }) => docsTargets(file, text)).filter((hit) => !tracked.has(hit.target));
    expect(broken.map((h) => `${h.file}:${h.line}: ${h.target}`)).toEqual([]);
  });

  it('the matchers find what they are for and nothing else', () => {
    // Missing notes written without their literal citation, so this tracked file never matches itself.
    const doc = (name: string) => ['docs', name].join('/');
    const note = ['design', 'md'].join('.');
    const facts = ['zoho-facts', 'md'].join('.');
    const folder = ['..', 'shared'].join('/');
    expect(outsideCitations('a.ts', `// see ${note} §4\n// per ${facts}.\nconst p = '${folder}/x';`).map((h) => h.line)).toEqual([1, 2, 3]);
    expect(outsideCitations('a.ts', `// ${doc('design-notes.md')}, docs/prices.md, my-design.mdx`)).toEqual([]);
    expect(docsTargets('packages/x/README.md', 'see [a](../../docs/prices.md) and docs/verify.md, not examples/docs/x.md').map((h) => h.target)).toEqual([
      'docs/prices.md',
      'docs/verify.md',
    ]);
    expect(docsTargets(doc('a.md'), '[b](b.md#part), [c](https://x.org/c.md), [up](../README.md)').map((h) => h.target)).toEqual([doc('b.md'), 'README.md']);
  });
});
