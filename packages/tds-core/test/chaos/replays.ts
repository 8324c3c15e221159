import type { CapturedWebhook } from './webhook-relay';

// Genuine, correctly signed deliveries sent again by someone who captured them (issue 12): a POST
// replayed byte for byte as DELETE (the method is not signed), and two deliveries of one record
// replayed alternately, old and new, several times. Neither may change the data: a DELETE is only a
// check with Zoho, an old copy is stale, and Zoho is asked at most once per distinct delivery
// (docs/deletions.md).

export interface Replay {
  kind: 'post-as-delete' | 'alternating';
  webhook: CapturedWebhook;
  method: string;
}

const isPost = (w: CapturedWebhook) => w.method === 'POST' && !w.path.includes('event=');

/** Up to `count` POST deliveries of distinct records, each to be sent again as DELETE. */
export function postsAsDeletes(captured: readonly CapturedWebhook[], count: number, random: () => number): Replay[] {
  const byRecord = new Map<string, CapturedWebhook>();
  for (const w of captured) if (isPost(w) && !w.record.endsWith(':?')) byRecord.set(w.record, w);
  const picked = [...byRecord.values()].sort(() => random() - 0.5).slice(0, count);
  return picked.map((webhook) => ({ kind: 'post-as-delete', webhook, method: 'DELETE' }));
}

/** For up to `records` records with two versions delivered: old, new, old, new… `rounds` times each. */
export function alternatingReplays(captured: readonly CapturedWebhook[], records: number, rounds: number): Replay[] {
  const versions = new Map<string, CapturedWebhook[]>();
  for (const w of captured) {
    if (!isPost(w) || w.version === null || w.record.endsWith(':?')) continue;
    const list = versions.get(w.record) ?? [];
    if (!list.some((other) => other.version === w.version)) list.push(w);
    versions.set(w.record, list);
  }
  const pairs = [...versions.values()].filter((list) => list.length >= 2).slice(0, records);
  const out: Replay[] = [];
  for (const list of pairs) {
    const sorted = [...list].sort((a, b) => a.version! - b.version!);
    const [oldest, newest] = [sorted[0]!, sorted[sorted.length - 1]!];
    for (let round = 0; round < rounds; round++) out.push({ kind: 'alternating', webhook: oldest, method: 'POST' }, { kind: 'alternating', webhook: newest, method: 'POST' });
  }
  return out;
}

/** Sends a replay to tds serve as captured (a 5xx, say while backends are terminated, is tried again). */
export async function sendReplay(serveUrl: string, replay: Replay): Promise<number> {
  const { webhook } = replay;
  const headers: Record<string, string> = { 'content-type': webhook.contentType };
  if (webhook.signature !== undefined) headers['x-zoho-webhook-signature'] = webhook.signature;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(new URL(webhook.path, serveUrl), { method: replay.method, headers, body: webhook.body, signal: AbortSignal.timeout(15_000) });
      await response.text();
      if (response.status < 500 || attempt >= 8) return response.status;
    } catch (error) {
      if (attempt >= 8) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
