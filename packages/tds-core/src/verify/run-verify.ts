import type { Kysely } from 'kysely';
import type { ZohoClient } from '@tsh/zoho-client';
import type { ApplyContext } from '../apply/apply-context';
import { silentLogger, type LoggerLike } from '../db/logger-like';
import type { Database } from '../db/schema';
import { entityTypes, isEntityType } from '../transform/entities';
import { entityVerifiers, verifyOrder } from './entity-verifiers';
import { repairTargets, queueRepairs, waitForQueueItems } from './repair';
import { VerifyInputError, type EntityVerifyReport, type VerifyEntity, type VerifyOptions, type VerifyReport } from './types';
import { createVerifyEnv } from './verify-env';
import { stillDifferent, verifyEntity } from './verify-entity';
import { recordVerifyRun } from './verify-runs';

export interface VerifyDeps {
  db: Kysely<Database>;
  zoho: ZohoClient;
  applyContext: ApplyContext;
  organizationId?: string | null;
  logger?: LoggerLike;
  /** Makes sure queued repairs get processed (the core starts its own workers when none run). */
  ensureWorkers?: () => Promise<void>;
  random?: () => number;
}

const DEFAULT_REPAIR_TIMEOUT_MS = 5 * 60_000;

export function verifyEntitiesOf(entities: VerifyOptions['entities']): VerifyEntity[] {
  if (entities === undefined || entities === 'all') return [...verifyOrder];
  const names = [...entities];
  if (names.includes('all')) return [...verifyOrder];
  const unknown = names.filter((name) => !isEntityType(name));
  if (unknown.length > 0) throw new VerifyInputError(`unknown entit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}: use ${entityTypes.join(', ')} or all`);
  if (names.length === 0) throw new VerifyInputError(`name at least one entity (${entityTypes.join(', ')}) or all`);
  return verifyOrder.filter((entity) => names.includes(entity));
}

export function sampleOf(sample: VerifyOptions['sample']): number | null {
  if (sample === undefined || sample === null) return null;
  if (!Number.isSafeInteger(sample) || sample < 1) throw new VerifyInputError(`the sample size must be a whole number of at least 1, got ${String(sample)}`);
  return sample;
}

function stoppedNote(signal: AbortSignal, unchecked: readonly VerifyEntity[]): string {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'the run was stopped';
  return `stopped before checking ${unchecked.join(', ')}: ${reason}`;
}

const hasDifferences = (e: EntityVerifyReport) => e.drifted.length + e.missing.length + e.extra.length > 0;

/**
 * `tds verify` (docs/verify.md): compares the stored rows with Zoho's current records, entity by
 * entity, writing nothing to the entity tables; with `repair`, queues what differs, waits for the
 * workers and checks those records again. The run is recorded when the role may write.
 */
export async function runVerify(deps: VerifyDeps, options: VerifyOptions = {}): Promise<VerifyReport> {
  const entities = verifyEntitiesOf(options.entities);
  const sample = sampleOf(options.sample);
  const logger = deps.logger ?? silentLogger;
  const startedAt = new Date();
  const requestsBefore = deps.zoho.stats().requests.total;
  const requests = () => deps.zoho.stats().requests.total - requestsBefore;
  const env = createVerifyEnv({ db: deps.db, zoho: deps.zoho, ctx: deps.applyContext, random: deps.random });

  const reports: EntityVerifyReport[] = [];
  const notes: string[] = [];
  for (const entity of entities) {
    if (options.signal?.aborted) {
      notes.push(stoppedNote(options.signal, entities.slice(entities.indexOf(entity))));
      break;
    }
    options.onProgress?.({ entity, phase: 'checking', checked: 0, requests: requests() });
    let report: EntityVerifyReport;
    try {
      report = await verifyEntity(env, entityVerifiers[entity], sample);
    } catch (error) {
      // Stopped on purpose (budget spent, shutting down): the entities checked so far still count.
      if (!options.signal?.aborted) throw error;
      notes.push(stoppedNote(options.signal, entities.slice(entities.indexOf(entity))));
      break;
    }
    reports.push(report);
    options.onProgress?.({ entity, phase: 'checked', checked: report.checked, requests: requests() });
  }

  if (options.repair && !options.signal?.aborted && reports.some(hasDifferences)) await repairAll(deps, reports, options, requests);

  const report: VerifyReport = {
    ok: reports.every((e) => (options.repair ? e.unrepaired.length === 0 && repairTargets(e).length === e.repaired.length : !hasDifferences(e))),
    entities: reports,
    requests: requests(),
    sample,
    repair: options.repair === true,
    startedAt,
    finishedAt: new Date(),
    runId: null,
    notes,
  };
  const recorded = await recordVerifyRun(deps.db, deps.organizationId ?? null, options.trigger ?? 'api', report);
  if (recorded.runId === null) {
    report.notes.push(recorded.note);
    logger.warn({ note: recorded.note }, 'verify run not recorded');
  } else report.runId = recorded.runId;
  logger.info({ ok: report.ok, requests: report.requests, runId: report.runId }, 'verify finished');
  return report;
}

async function repairAll(deps: VerifyDeps, reports: EntityVerifyReport[], options: VerifyOptions, requests: () => number): Promise<void> {
  const queued: string[] = [];
  for (const report of reports) {
    const targets = repairTargets(report);
    if (targets.length === 0) continue;
    options.onProgress?.({ entity: report.entity, phase: 'repairing', checked: report.checked, requests: requests() });
    queued.push(...(await queueRepairs(deps.db, report.entity, targets)));
  }
  await deps.ensureWorkers?.();
  await waitForQueueItems(deps.db, queued, options.repairTimeoutMs ?? DEFAULT_REPAIR_TIMEOUT_MS, options.signal);
  // A fresh pass: nothing read before the repair may stand in for Zoho's current records.
  const env = createVerifyEnv({ db: deps.db, zoho: deps.zoho, ctx: deps.applyContext, random: deps.random });
  for (const report of reports) {
    const targets = repairTargets(report);
    if (targets.length === 0) continue;
    options.onProgress?.({ entity: report.entity, phase: 'rechecking', checked: report.checked, requests: requests() });
    const different = await stillDifferent(env, entityVerifiers[report.entity], targets);
    report.repaired = targets.filter((id) => !different.has(id)).sort();
    report.unrepaired = targets.filter((id) => different.has(id)).sort();
  }
}
