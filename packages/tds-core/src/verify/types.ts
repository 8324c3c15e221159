import type { EntityType } from '../transform/entities';

/** The entities `tds verify` checks: the same names as `tds sync`. */
export type VerifyEntity = EntityType;

export interface VerifyOptions {
  /** Entity names or 'all' (default 'all'). */
  entities?: ReadonlyArray<string> | 'all';
  /** Check this many random records per entity instead of all of them (list pages sampled, details only for the sample). */
  sample?: number | null;
  /** Queue what differs for re-sync, wait for it, verify those records again. */
  repair?: boolean;
  /** How long a repair waits for the queue (default 5 minutes). */
  repairTimeoutMs?: number;
  /** Called after each entity (and each repair step), for progress output. */
  onProgress?: (progress: VerifyProgress) => void;
  signal?: AbortSignal;
  /** Where the run came from, recorded with it ('cli', 'http', 'schedule', 'api'). */
  trigger?: string;
}

export interface VerifyProgress {
  entity: VerifyEntity;
  phase: 'checking' | 'checked' | 'repairing' | 'rechecking';
  checked: number;
  requests: number;
}

/** One contract column whose stored value differs from what Zoho's record maps to. */
export interface ColumnDifference {
  /** The column, or `lines[<line id>].quantity`, `stock[<location id>].stock_on_hand`, `items[<item id>].rate` for child rows. */
  column: string;
  stored: string | number | boolean | null;
  zoho: string | number | boolean | null;
}

export interface DriftedRecord {
  zoho_id: string;
  columns: ColumnDifference[];
}

export interface EntityVerifyReport {
  entity: VerifyEntity;
  /** Records compared: Zoho's live records of the entity, plus stored rows Zoho no longer has. */
  checked: number;
  matching: number;
  drifted: DriftedRecord[];
  /** Live in Zoho, absent or soft-deleted here. */
  missing: string[];
  /** Active here, deleted in (or absent from) Zoho. */
  extra: string[];
  /** Zoho records that can never be stored as sent (they sit in the dead-letter queue), with the reason. */
  unstorable: Array<{ zoho_id: string; reason: string }>;
  /** Drifted, missing and extra records that a repair fixed (verified again afterwards). */
  repaired: string[];
  /** Those a repair queued that still differ afterwards. */
  unrepaired: string[];
  /** False for a sampled run: stored rows outside the sample are not looked at, so `extra` is not searched. */
  complete: boolean;
}

export interface VerifyReport {
  /** True when nothing drifted, is missing or extra (after the repair, when one ran). */
  ok: boolean;
  entities: EntityVerifyReport[];
  /** Zoho requests made by this run (through the shared rate limiter and daily budget). */
  requests: number;
  sample: number | null;
  repair: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** Id in tds_verify_runs, or null when the run could not be recorded (see `notes`). */
  runId: string | null;
  /** Things the caller should know, e.g. that the run was not recorded for lack of rights. */
  notes: string[];
}

/** Bad input to verify (unknown entity, bad sample size): a usage error, exit code 2 in the CLI. */
export class VerifyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyInputError';
  }
}
