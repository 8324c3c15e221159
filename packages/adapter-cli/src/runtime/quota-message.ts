import type { RequestEstimate, SyncOutcome } from '@tsh/tds-core';

type QuotaStop = NonNullable<Extract<SyncOutcome, { runId: string }>['quota']>;
import { formatDuration } from './format';

const API_NAME: Record<string, string> = { books: 'Zoho Books', inventory: 'Zoho Inventory' };
const apiName = (api: unknown) => API_NAME[String(api)] ?? `Zoho ${String(api)}`;


/** The results of core.sync.run that stopped because a daily quota is spent. */
export function quotaStops(results: ReadonlyArray<SyncOutcome>): Array<{ entity: string; quota: QuotaStop }> {
  return results.flatMap((r) => ('quota' in r && r.quota ? [{ entity: r.entity, quota: r.quota }] : []));
}

function resetText(resetAt: Date, now: number): string {
  return `${resetAt.toISOString()} (in ${formatDuration(Math.max(0, Math.round((resetAt.getTime() - now) / 1000)))})`;
}

/** One message for every API whose quota stopped the sync (docs/hardening.md, "When a daily quota runs out"). */
export function quotaSpentMessage(stops: ReturnType<typeof quotaStops>, command: string, now = Date.now()): string {
  const byApi = new Map<string, { quota: QuotaStop; entities: string[] }>();
  for (const stop of stops) {
    const entry = byApi.get(stop.quota.api) ?? { quota: stop.quota, entities: [] };
    entry.entities.push(stop.entity);
    byApi.set(stop.quota.api, entry);
  }
  const lines = [...byApi.values()].map(({ quota, entities }) => {
    const left = quota.remaining === null ? 'no' : String(quota.remaining);
    const of = quota.limit === null ? '' : ` of ${quota.limit}`;
    return `The daily API quota of ${apiName(quota.api)} is spent (${left}${of} requests left today); it resets at ${resetText(new Date(quota.resetAt), now)}. Stopped: ${entities.join(', ')}.`;
  });
  return [
    ...lines,
    `The checkpoint is kept: run \`${command}\` again after the reset to continue from where it stopped, or add --wait to wait for the reset.`,
  ].join('\n');
}

/** Said before a full sync starts, for each API whose quota left today is below what the sync needs. */
export function quotaShortfallWarnings(estimates: ReadonlyArray<RequestEstimate>, now = Date.now()): string[] {
  return estimates.flatMap((e) =>
    e.remaining !== null && e.needed > e.remaining
      ? [
          `This full sync of ${e.entities.join(', ')} needs about ${e.needed} ${apiName(e.api)} requests, but only ${e.remaining} are left today` +
            `${e.resetAt ? ` (the quota resets at ${resetText(e.resetAt, now)})` : ''}: it will stop when they run out, keeping its checkpoint, unless --wait waits for the reset.`,
        ]
      : [],
  );
}
