import { UsageError } from './cli-error';

/** The entities (docs/architecture.md, "Entity names"), as the CLI, the HTTP paths and the core name them. */
export const ENTITIES = ['products', 'customers', 'invoices', 'bills', 'stock', 'pricelists'] as const;
export type Entity = (typeof ENTITIES)[number];

export const isEntity = (value: string): value is Entity => (ENTITIES as ReadonlyArray<string>).includes(value);

/** `all`, or a list of known entities without repeats; anything else is a usage error. */
export function parseEntities(args: ReadonlyArray<string>): Entity[] | 'all' {
  const names = args.map((a) => a.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`name at least one entity (${ENTITIES.join(', ')}) or all`);
  if (names.includes('all')) {
    if (names.length > 1) throw new UsageError('"all" already means every entity: give either all or a list of entities');
    return 'all';
  }
  const unknown = names.filter((n) => !isEntity(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown entit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((u) => JSON.stringify(u)).join(', ')}: choose from ${ENTITIES.join(', ')} or all`);
  }
  return [...new Set(names)] as Entity[];
}
