import type { SandboxChange, SandboxWebhookResult, ZohoSandbox } from '@tsh/zoho-sandbox';
import type { Entity } from './entities';

/** The TDS webhook route a sandbox change is announced on (an item's stock change goes to /stock). */
export function webhookRouteFor(change: Pick<SandboxChange, 'entity' | 'detail'>): Entity {
  switch (change.entity) {
    case 'item':
      return change.detail === 'stock' ? 'stock' : 'products';
    case 'contact':
      return 'customers';
    case 'invoice':
      return 'invoices';
    case 'bill':
      return 'bills';
    default:
      return 'pricelists';
  }
}

export function webhookUrl(baseUrl: string, route: Entity): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/zoho/webhooks/${route}`;
}

export interface SentWebhook {
  change: SandboxChange;
  route: Entity;
  result: SandboxWebhookResult;
}

/**
 * Sends one signed webhook per change, as a Zoho workflow rule would (deletions alternate between
 * the DELETE method and `?event=deleted`; bodies alternate between JSON and form-encoded).
 */
export async function sendChangeWebhooks(
  sandbox: Pick<ZohoSandbox, 'sendWebhook'>,
  baseUrl: string,
  changes: ReadonlyArray<SandboxChange>,
  options: { concurrency?: number } = {},
): Promise<SentWebhook[]> {
  const sent: SentWebhook[] = [];
  const queue = changes.map((change, index) => ({ change, index }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { change, index } = next;
      const route = webhookRouteFor(change);
      const result = await sandbox.sendWebhook({
        target: webhookUrl(baseUrl, route),
        entity: change.entity,
        id: change.id,
        event: change.kind === 'delete' ? 'delete' : 'upsert',
        format: index % 3 === 2 ? 'form' : 'json',
        deleteStyle: index % 2 === 0 ? 'method' : 'query',
      });
      sent.push({ change, route, result });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return sent;
}
