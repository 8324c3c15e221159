import type { EntityVerifier, RecordCheck } from './entity-verifier';
import { activeAmong, readActiveIds } from './stored-rows';
import type { EntityVerifyReport } from './types';
import type { VerifyEnv } from './verify-env';

export function emptyReport(entity: EntityVerifyReport['entity'], complete: boolean): EntityVerifyReport {
  return { entity, checked: 0, matching: 0, drifted: [], missing: [], extra: [], unstorable: [], repaired: [], unrepaired: [], complete };
}

function tally(report: EntityVerifyReport, id: string, check: RecordCheck): void {
  switch (check.kind) {
    case 'match':
      report.checked++;
      report.matching++;
      return;
    case 'drift':
      report.checked++;
      report.drifted.push({ zoho_id: id, columns: check.columns });
      return;
    case 'missing':
      report.checked++;
      report.missing.push(id);
      return;
    case 'unstorable':
      report.unstorable.push({ zoho_id: id, reason: check.reason });
      return;
    case 'foreign':
      return;
  }
}

/**
 * One entity: Zoho's live records (all, or a sample) compared with what is stored. A full pass
 * then looks for extras: stored active rows Zoho did not list are asked for by id before being
 * called extra, because a list walked while records change can skip one (the same confirmation
 * a sync's reconciliation makes before deleting anything).
 */
export async function verifyEntity<R>(env: VerifyEnv, verifier: EntityVerifier<R>, sample: number | null): Promise<EntityVerifyReport> {
  const report = emptyReport(verifier.entity, sample === null || verifier.presence === null);
  const read = await verifier.live(env, sample);
  report.unstorable.push(...read.unstorable);
  const checks = await verifier.check(env, read.records);
  const live = new Set<string>();
  const foreign = new Set<string>();
  for (const record of read.records) {
    const id = verifier.idOf(record);
    const check = checks.get(id) ?? { kind: 'missing' };
    if (check.kind === 'foreign') foreign.add(id);
    else live.add(id);
    tally(report, id, check);
  }
  if (sample === null && verifier.presence) {
    const { table, key } = verifier.presence;
    const unlisted = (await readActiveIds(env.db, table, key)).filter((id) => !live.has(id) && !foreign.has(id));
    const knownForeign = await activeAmong(env.db, table, key, [...foreign]);
    const confirm = unlisted.length > 0 ? await verifier.byIds(env, unlisted) : { records: [], gone: [], unstorable: [] };
    const confirmedChecks = await verifier.check(env, confirm.records);
    const extra = [...knownForeign, ...confirm.gone];
    for (const record of confirm.records) {
      const id = verifier.idOf(record);
      const check = confirmedChecks.get(id) ?? { kind: 'missing' };
      if (check.kind === 'foreign') extra.push(id);
      else tally(report, id, check);
    }
    report.unstorable.push(...confirm.unstorable);
    report.extra = extra.sort();
    report.checked += extra.length;
  }
  report.drifted.sort((a, b) => (a.zoho_id < b.zoho_id ? -1 : 1));
  report.missing.sort();
  return report;
}

/** Which of these ids still differ from Zoho now: the check a repair ends with. */
export async function stillDifferent<R>(env: VerifyEnv, verifier: EntityVerifier<R>, ids: readonly string[]): Promise<Set<string>> {
  const different = new Set<string>();
  if (ids.length === 0) return different;
  const read = await verifier.byIds(env, ids);
  const checks = await verifier.check(env, read.records);
  const noLongerBelonging: string[] = [...read.gone];
  for (const record of read.records) {
    const id = verifier.idOf(record);
    const check = checks.get(id);
    if (check?.kind === 'foreign') noLongerBelonging.push(id);
    else if (check?.kind !== 'match') different.add(id);
  }
  // A record Zoho does not have (or that does not belong here) is repaired once its row is no longer active.
  if (verifier.presence) for (const id of await activeAmong(env.db, verifier.presence.table, verifier.presence.key, noLongerBelonging)) different.add(id);
  for (const { zoho_id } of read.unstorable) different.add(zoho_id);
  return different;
}
