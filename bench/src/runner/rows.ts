/** The rows of `pnpm bench`, in table order; each is a script in bench/src/rows/<name>.ts. */
export const ROWS = ['queue', 'apply', 'webhooks', 'budget', 'delay', 'memory', 'changes', 'verify', 'pipeline'] as const;

export type RowName = (typeof ROWS)[number];

export const isRowName = (value: string): value is RowName => (ROWS as readonly string[]).includes(value);
