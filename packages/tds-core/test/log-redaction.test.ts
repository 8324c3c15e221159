// Secrets never reach a log line (docs/security.md): createLogger's redaction by key, checked on the
// lines it writes, and redactLogObject's promise not to copy (or change) what holds no secret.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger';
import { redactLogObject } from '../src/logging/redact-log-object';

const SECRET = 'never-in-a-log-line-0451';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, last: () => JSON.parse(lines.at(-1)!) as Record<string, any> };
}

describe('createLogger redaction', () => {
  it('censors secret keys at the top level, one level down and in request headers, whatever their case', () => {
    const { logger, lines, last } = capture();
    logger.info(
      {
        refresh_token: SECRET,
        ACCESS_TOKEN: SECRET,
        nested: { client_secret: SECRET, kept: 'visible-1' },
        req: { method: 'POST', headers: { authorization: SECRET, 'X-Zoho-Webhook-Signature': SECRET, cookie: SECRET, accept: 'visible-2' } },
        list: [{ webhookSecret: SECRET }, 'visible-3'],
      },
      'hello',
    );
    expect(lines.join('')).not.toContain(SECRET);
    const line = last();
    expect(line.refresh_token).toBe('[REDACTED]');
    expect(line.ACCESS_TOKEN).toBe('[REDACTED]');
    expect(line.nested).toEqual({ client_secret: '[REDACTED]', kept: 'visible-1' });
    expect(line.req.headers).toEqual({ authorization: '[REDACTED]', 'X-Zoho-Webhook-Signature': '[REDACTED]', cookie: '[REDACTED]', accept: 'visible-2' });
    expect(line.list).toEqual([{ webhookSecret: '[REDACTED]' }, 'visible-3']);
    expect(line.msg).toBe('hello');
  });

  it("censors a child's bindings and the objects of a formatted message", () => {
    const { logger, lines, last } = capture();
    logger.child({ component: 'zoho', clientSecret: SECRET }).warn('refresh failed for %o and %j', { refreshToken: SECRET }, { password: SECRET });
    expect(lines.join('')).not.toContain(SECRET);
    expect(last()).toMatchObject({ component: 'zoho', clientSecret: '[REDACTED]' });
    expect(last().msg).toContain('[REDACTED]');
    logger.child({ component: 'zoho' }).child({ tds_token: SECRET }).info('grandchild');
    expect(lines.join('')).not.toContain(SECRET);
    expect(last()).toMatchObject({ component: 'zoho', tds_token: '[REDACTED]', msg: 'grandchild' });
  });

  it('keeps the message and stack of an error whose own fields hold a secret', () => {
    const { logger, lines, last } = capture();
    const error = Object.assign(new Error('token refresh refused'), { accessToken: SECRET, status: 401 });
    logger.error({ err: error }, 'failed');
    expect(lines.join('')).not.toContain(SECRET);
    expect(last().err).toMatchObject({ type: 'Error', message: 'token refresh refused', accessToken: '[REDACTED]', status: 401 });
    expect(last().err.stack).toContain('token refresh refused');
  });

  it('writes exact values of fields that are not secrets', () => {
    const { logger, last } = capture();
    logger.info({ req: { id: 'r1', url: '/api/zoho/webhooks/items' }, res: { statusCode: 202 }, responseTime: 3, price: '12.345' }, 'request completed');
    expect(last()).toMatchObject({ req: { id: 'r1', url: '/api/zoho/webhooks/items' }, res: { statusCode: 202 }, responseTime: 3, price: '12.345' });
  });
});

describe('redactLogObject', () => {
  it('returns the same object when no key within three levels is a secret', () => {
    const fields = { req: { headers: { accept: 'json' } }, deep: { a: { b: { token_like: { password: 'below the depth' } } } } };
    expect(redactLogObject(fields)).toBe(fields);
  });

  it("copies what it censors and leaves the caller's object as it was", () => {
    const fields = { keep: 1, req: { headers: { authorization: SECRET }, other: { x: 1 } } };
    const before = structuredClone(fields);
    const out = redactLogObject(fields);
    expect(out).not.toBe(fields);
    expect(fields).toEqual(before);
    expect(out).toEqual({ keep: 1, req: { headers: { authorization: '[REDACTED]' }, other: { x: 1 } } });
    expect(out.req.other).toBe(fields.req.other);
  });

  it('survives cycles and leaves an undefined secret field out as pino would', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactLogObject(cyclic)).toBe(cyclic);
    expect(redactLogObject({ password: undefined, a: 1 })).toEqual({ password: undefined, a: 1 });
  });
});
