import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healerHealthOptions } from '../src/core/healer-health';
import { getHealth } from '../src/health/get-health';
import type { HealthDeps } from '../src/health/types';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// The healer's health reading is built from the health service's deps (core/create-tds-core.ts);
// it used to receive only secrets and thresholds, so it read every process as plain/hmac.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe("the healer's health reading", () => {
  const serviceDeps = (): HealthDeps => ({
    db: t.db,
    organizationId: '60000000001',
    secrets: ['secret-xyz'],
    rateLimit: { requestsPerMinute: 250 },
    security: { encryptionKeyId: 'k2026', webhookAuth: 'token' },
  });

  it('reports the security settings (token encryption, webhook auth) and the rate limit the health service reports', async () => {
    const options = healerHealthOptions(serviceDeps(), undefined);
    expect(options).not.toHaveProperty('db');
    const [healer, service] = await Promise.all([getHealth({ ...options, db: t.db, organizationId: '60000000001' }), getHealth(serviceDeps())]);
    expect(healer.zoho_api).toMatchObject({ tokens_at_rest: 'encrypted', tokens_at_rest_key_id: 'k2026', webhook_auth: 'token', rate_limit_per_minute: 250 });
    expect(healer.zoho_api).toMatchObject({ tokens_at_rest: service.zoho_api.tokens_at_rest, webhook_auth: service.zoho_api.webhook_auth });
  });

  it("the healer's own health options win", () => {
    expect(healerHealthOptions(serviceDeps(), { thresholds: { pendingWarning: 5 } as never, security: { encryptionKeyId: null, webhookAuth: 'hmac' } })).toMatchObject({
      secrets: ['secret-xyz'],
      thresholds: { pendingWarning: 5 },
      security: { encryptionKeyId: null, webhookAuth: 'hmac' },
    });
  });
});
