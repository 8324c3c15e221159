import type { ChangeOp } from '../db/schema';

/** The feed's entity names: the queue's (docs/architecture.md, "Entity names") without `stock`, reported under products, plus categories. */
export const changeEntities = ['products', 'categories', 'customers', 'invoices', 'bills', 'pricelists'] as const;
export type ChangeEntity = (typeof changeEntities)[number];

/** One changed record in one transaction (docs/change-feed.md). */
export interface Change {
  /** The cursor: a decimal string of a bigint, increasing in commit order. */
  id: string;
  entity: ChangeEntity;
  zoho_id: string;
  op: ChangeOp;
  /** Contract columns that changed; `lines` / `stock` / `entries` for child rows, `deleted_at` for a deletion or restore. */
  columns: string[];
  /** The Zoho version applied (ISO-8601), null for records Zoho gives none (price lists). */
  zoho_last_modified_time: string | null;
  /** When the writing transaction started (ISO-8601). */
  at: string;
}

export type Cursor = string | number | bigint;

export interface ReadChangesOptions {
  /** Changes with an id above this one; default: the oldest retained change. */
  after?: Cursor | null;
  /** At most this many changes (1…1000, default 100). */
  limit?: number;
  /** Only these entities (default all). */
  entities?: readonly string[] | null;
}

export interface ChangePage {
  changes: Change[];
  /**
   * Where the next read continues: the last change's id, or, when fewer than `limit` matched, the
   * newest id in the feed (so a filtered reader does not scan the same rows again).
   */
  cursor: string;
}

export interface ChangeHandlerContext {
  consumer: string;
  /** 1 on the first delivery of this batch, then 2, 3… while the handler keeps failing. */
  attempt: number;
  /** Aborted when the subscription stops. */
  signal: AbortSignal;
}

export type ChangeHandler = (changes: Change[], context: ChangeHandlerContext) => Promise<void> | void;

export interface SubscribeOptions {
  /** The consumer's name: its cursor is stored under it, and processes using one name share the work. */
  consumer: string;
  entities?: readonly string[] | null;
  /** Changes per handler call (default 100). */
  batchSize?: number;
  /** Polled this often besides LISTEN (default 1000 ms). */
  pollIntervalMs?: number;
  /** Backoff of a failing handler: first delay and ceiling (default 1000 ms, 60 000 ms). */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Called when the subscription ends on an error it cannot retry (its cursor fell behind retention). */
  onError?: (error: Error) => void;
}

export interface Subscription {
  /** Stops after the batch in hand (its handler call finishes or, failing, is left for a later run). */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop(), rejects on an error it cannot retry. */
  readonly done: Promise<void>;
}

export interface ChangeConsumerStatus {
  name: string;
  cursor: string;
  /** Ids in the feed after the cursor (all entities): the newest id minus the cursor. */
  lag: number;
  handled: string;
  failures: number;
  last_error: string | null;
  last_error_at: string | null;
  updated_at: string;
}
