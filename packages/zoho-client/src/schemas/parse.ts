import type { z } from 'zod';
import { ZohoValidationError } from '../errors';

function recordIdOf(raw: unknown, idField: string): string | undefined {
  if (raw && typeof raw === 'object' && idField in raw) {
    const id = (raw as Record<string, unknown>)[idField];
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

/** Parses one Zoho record; on failure throws a ZohoValidationError naming the record id and the issues. */
export function parseRecord<S extends z.ZodType>(schema: S, entity: string, idField: string, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ZohoValidationError(
    entity,
    recordIdOf(raw, idField),
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    raw,
  );
}
