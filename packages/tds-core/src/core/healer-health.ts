import type { HealthDeps } from '../health/types';
import type { HealerOptions } from '../healer/types';

/**
 * The healer's own health reading (its diagnose) takes what the health service reads with — the
 * security settings (token encryption key, webhook auth mode), the rate limit and the heartbeat —
 * so both report the same process; without them the healer read every process as plain/hmac.
 * Options given for the healer win.
 */
export function healerHealthOptions(health: HealthDeps, own: HealerOptions['health']): NonNullable<HealerOptions['health']> {
  const { db: _db, organizationId: _organizationId, ...shared } = health;
  return { ...shared, ...own };
}
