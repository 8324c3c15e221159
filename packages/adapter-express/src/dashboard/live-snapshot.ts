import { type TdsCore } from '@tsh/tds-core';
import { withoutSecrets } from '@tsh/zoho-client/internal';

/** What every live tick carries: health (status, alerts, Zoho token and budget), queue by status and entity, the last hour per minute. */
export async function readLiveSnapshot(core: TdsCore, secrets: readonly string[]): Promise<Record<string, unknown>> {
  const [health, queue, throughput] = await Promise.all([core.health.get(), core.queue.status(), core.dashboard.throughput(60)]);
  return withoutSecrets({ at: new Date().toISOString(), health, queue, throughput }, secrets) as Record<string, unknown>;
}
