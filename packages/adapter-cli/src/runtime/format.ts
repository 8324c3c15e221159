/**
 * Plain-text rendering of core results whose exact shape the CLI does not depend on:
 * objects become indented `key: value` lines, arrays of records become aligned tables.
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

export function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '-' : value.toISOString();
  if (typeof value === 'string') return value === '' ? '""' : value.replace(/[\r\n\t]+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

/** An aligned table; columns default to the union of the rows' scalar keys in first-seen order. */
export function formatTable(rows: ReadonlyArray<Record<string, unknown>>, columns?: ReadonlyArray<string>, maxCell = 60): string {
  if (rows.length === 0) return '(none)';
  const keys = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => keys.map((key) => truncate(formatScalar(row[key]), maxCell)));
  const widths = keys.map((key, i) => Math.max(key.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: ReadonlyArray<string>) => line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [render(keys), render(widths.map((w) => '-'.repeat(w))), ...cells.map(render)].join('\n');
}

/** `key: value` lines, nested objects indented, arrays of records as tables. */
export function formatTree(value: unknown, indent = ''): string {
  if (!isRecord(value)) {
    if (Array.isArray(value) && value.every(isRecord)) return indentLines(formatTable(value), indent);
    return `${indent}${formatScalar(value)}`;
  }
  const lines: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (isRecord(child)) {
      lines.push(`${indent}${key}:`, formatTree(child, `${indent}  `));
    } else if (Array.isArray(child) && child.length > 0 && child.every(isRecord)) {
      lines.push(`${indent}${key}:`, indentLines(formatTable(child), `${indent}  `));
    } else if (Array.isArray(child)) {
      lines.push(`${indent}${key}: ${child.length === 0 ? '(none)' : child.map(formatScalar).join(', ')}`);
    } else {
      lines.push(`${indent}${key}: ${formatScalar(child)}`);
    }
  }
  return lines.join('\n');
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
