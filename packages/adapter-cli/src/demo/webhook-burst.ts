import type { SandboxWebhookResult, ZohoSandbox } from '@tsh/zoho-sandbox';
import { sendChangeWebhooks, webhookRouteFor, webhookUrl, type SentWebhook } from '../runtime/sandbox-webhooks';

export interface SignedBurst {
  sent: SentWebhook[];
  accepted: number;
  refused: SentWebhook[];
}

/** Changes records in the sandbox (updates, a few creations and deletions) and announces each with a signed webhook. */
export async function fireSignedBurst(sandbox: ZohoSandbox, baseUrl: string, count: number): Promise<SignedBurst> {
  const changes = sandbox.store.mutate({ count, createRate: 0.1, deleteRate: 0.05 });
  const sent = await sendChangeWebhooks(sandbox, baseUrl, changes);
  const ok = (r: SandboxWebhookResult) => r.status !== undefined && r.status >= 200 && r.status < 300;
  return { sent, accepted: sent.filter((s) => ok(s.result)).length, refused: sent.filter((s) => !ok(s.result)) };
}

export interface ForgedAttempt {
  what: string;
  status: number | undefined;
}

/** Deliveries an attacker could send: a wrong-secret signature, no signature, a wrong signature on a form body. */
export async function fireForgedWebhooks(sandbox: ZohoSandbox, baseUrl: string): Promise<ForgedAttempt[]> {
  const itemId = sandbox.store.idsOf('item')[0];
  const contactId = sandbox.store.idsOf('contact')[0];
  const attempts: Array<{ what: string; send: () => Promise<SandboxWebhookResult> }> = [];
  if (itemId) {
    const target = webhookUrl(baseUrl, webhookRouteFor({ entity: 'item', detail: 'rate' }));
    attempts.push(
      { what: 'item signed with the wrong secret', send: () => sandbox.sendWebhook({ target, entity: 'item', id: itemId, signature: 'invalid' }) },
      { what: 'item with no signature header', send: () => sandbox.sendWebhook({ target, entity: 'item', id: itemId, signature: 'none' }) },
      { what: 'item deletion (DELETE) with the wrong secret', send: () => sandbox.sendWebhook({ target, entity: 'item', id: itemId, event: 'delete', signature: 'invalid' }) },
    );
  }
  if (contactId) {
    const target = webhookUrl(baseUrl, 'customers');
    attempts.push({ what: 'form-encoded contact with the wrong secret', send: () => sandbox.sendWebhook({ target, entity: 'contact', id: contactId, format: 'form', signature: 'invalid' }) });
  }
  const results: ForgedAttempt[] = [];
  for (const attempt of attempts) results.push({ what: attempt.what, status: (await attempt.send()).status });
  return results;
}
