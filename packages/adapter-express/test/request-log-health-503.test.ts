import { createLogger } from '@tsh/tds-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTds, type TdsServer } from '../src';
import { createFakeCore, type FakeCoreControls } from './helpers/fake-core';
import { createTestDatabase, type TestDatabase } from './helpers/test-db';

// An unhealthy /api/health answers 503 on purpose: the request log writes it as a warning without
// a stack, not as "request errored" at error level (which a 500 nobody expected still is).

const SECRET = 'healthLogWebhookSecret88';
const ADMIN = 'health-log-admin-token-0123456789';
const lines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
const requestLines = (from: number) =>
  lines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((r) => r.req !== undefined);

let t: TestDatabase;
let server: TdsServer;
let fake: FakeCoreControls;

beforeAll(async () => {
  t = await createTestDatabase();
  fake = createFakeCore(t.db, logger, SECRET);
  server = await serveTds(fake.core, { webhookSecret: SECRET, adminToken: ADMIN, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

/** GET /api/health, expected 503; the one request log line written for it, once the answer is finished. */
async function healthAnswered503(from: number) {
  const res = await fetch(`${server.url}/api/health`);
  expect(res.status).toBe(503);
  await res.text();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const logged = requestLines(from);
  expect(logged).toHaveLength(1);
  return logged;
}

describe('request log of /api/health', () => {
  it('logs a critical health answer (503) at warn level, without err or stack', async () => {
    fake.health.snapshot = { status: 'critical', queue: { pending: 0 } } as never;
    const from = lines.length;
    const logged = await healthAnswered503(from);
    expect(logged[0]).toMatchObject({ level: 40, msg: 'request completed', res: { statusCode: 503 } });
    expect(logged[0]).not.toHaveProperty('err');
    expect(lines.slice(from).join('\n')).not.toContain('request errored');
  });

  it('health that could not be read is a 503 with its problem code, also a warning (an unexpected 500 stays an error: request-log.test)', async () => {
    fake.health.snapshot = new Error('health broke unexpectedly');
    const from = lines.length;
    const logged = await healthAnswered503(from);
    expect(logged[0]).toMatchObject({ level: 40, res: { statusCode: 503 }, problem: 'health_unavailable' });
    expect(logged[0]).not.toHaveProperty('err');
  });
});
