import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, createLogger, loadConfig } from '../src';
import { redactSecrets } from '../src/internal';

describe('loadConfig', () => {
  it('applies the defaults of docs/architecture.md, "Configuration"', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      ZOHO_DATA_CENTER: 'com',
      TDS_WORKERS: 2,
      TDS_RATE_LIMIT_PER_MINUTE: 100,
      TDS_ZOHO_MAX_CONCURRENT: 10,
      TDS_LEASE_SECONDS: 60,
      TDS_WORKER_ZOHO_MAX_WAIT_MS: 3000,
      TDS_WORKER_BATCH_SIZE: 200,
      PORT: 3000,
    });
  });

  it('TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: 64 MB by default, at least the 1 MB of every other webhook (docs/webhook-intake.md)', () => {
    expect(loadConfig({}).TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES).toBe(64 * 1024 * 1024);
    expect(loadConfig({ TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: '2097152' }).TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES).toBe(2 * 1024 * 1024);
    for (const [value, message] of [['1000', /TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES.*at least 1048576/], ['64MB', /TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES.*whole number of bytes/], ['2097152.5', /whole number of bytes/]] as const) {
      expect(() => loadConfig({ TDS_WEBHOOK_MAX_FETCHED_BODY_BYTES: value }), value).toThrow(message);
    }
  });

  it('TDS_WORKER_BATCH_SIZE: 200 by default, a whole number from 1 to 10 000 (docs/webhooks-and-queue.md)', () => {
    expect(loadConfig({ TDS_WORKER_BATCH_SIZE: '50' }).TDS_WORKER_BATCH_SIZE).toBe(50);
    for (const [value, message] of [['0', /TDS_WORKER_BATCH_SIZE.*at least 1/], ['10001', /TDS_WORKER_BATCH_SIZE/], ['lots', /TDS_WORKER_BATCH_SIZE.*whole number/], ['2.5', /whole number/]] as const) {
      expect(() => loadConfig({ TDS_WORKER_BATCH_SIZE: value }), value).toThrow(message);
    }
  });

  it('names every bad or missing variable in one error and never echoes a value', () => {
    let error: unknown;
    try {
      loadConfig(
        { TDS_WORKERS: 'many', ZOHO_DATA_CENTER: 'mars', DATABASE_URL: 'mysql://x', ZOHO_CLIENT_SECRET: 'sekret-value-123' },
        { zoho: true, webhookSecret: true },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['TDS_WORKERS', 'ZOHO_DATA_CENTER', 'DATABASE_URL', 'ZOHO_CLIENT_ID', 'ZOHO_REFRESH_TOKEN', 'ZOHO_ORGANIZATION_ID', 'ZOHO_WEBHOOK_SECRET']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('ZOHO_CLIENT_SECRET');
    expect(message).not.toContain('sekret-value-123');
  });

  it('refuses an admin token that could not be sent in a bearer header, without echoing it', () => {
    for (const token of ['two words', 'trailing-newline\n', 'pässwort']) {
      let error: unknown;
      try {
        loadConfig({ TDS_ADMIN_TOKEN: token }, { adminToken: true });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([{ variable: 'TDS_ADMIN_TOKEN', message: expect.stringMatching(/printable ASCII without spaces/) }]);
      expect((error as Error).message).not.toContain(token);
    }
    expect(loadConfig({ TDS_ADMIN_TOKEN: 'sandbox-admin_0123.~+/=-456789abcdef' }, { adminToken: true }).TDS_ADMIN_TOKEN).toBe('sandbox-admin_0123.~+/=-456789abcdef');
  });

  it('refuses a Zoho credential with white space around it or a control character in it, naming the variable, never the value (docs/security.md)', () => {
    const good = { ZOHO_CLIENT_ID: '1000.ABCDEF0123456789', ZOHO_CLIENT_SECRET: '0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5', ZOHO_REFRESH_TOKEN: '1000.0123abcd.4567ef89', ZOHO_WEBHOOK_SECRET: 'whsec-0123456789abcdef' };
    expect(loadConfig(good)).toMatchObject(good);
    // A secret chosen in Zoho's webhook settings may hold a space inside.
    expect(loadConfig({ ZOHO_WEBHOOK_SECRET: 'two words' }).ZOHO_WEBHOOK_SECRET).toBe('two words');
    for (const variable of Object.keys(good) as Array<keyof typeof good>) {
      for (const value of [`${good[variable]}\n`, `${good[variable]}\r\n`, ` ${good[variable]}`, `${good[variable]}\t`, `${good[variable].slice(0, 6)}\u0000${good[variable].slice(6)}`, `${good[variable]}\u00a0`]) {
        let error: unknown;
        try {
          loadConfig({ ...good, ZOHO_ORGANIZATION_ID: '60012345678', [variable]: value }, { zoho: true, webhookSecret: true });
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(value)).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([{ variable, message: expect.stringMatching(/white space or holds a control character/) }]);
        expect((error as Error).message).not.toContain(good[variable].slice(0, 10));
      }
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', TDS_WORKERS: ' ' }).PORT).toBe(3000);
  });
});

describe('logging', () => {
  it('redacts secrets by key in log lines', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ destination: sink });
    logger.info({ refresh_token: 'r-123456', nested: { client_secret: 'c-123456' }, ok: 'visible' }, 'hello');
    expect(lines.join('')).toContain('visible');
    expect(lines.join('')).not.toContain('r-123456');
    expect(lines.join('')).not.toContain('c-123456');
  });

  it('redacts secret values inside free text', () => {
    expect(redactSecrets('token abcd1234 failed', ['abcd1234', undefined])).toBe('token [REDACTED] failed');
  });
});
