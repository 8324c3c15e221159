import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, scrubSecrets, withoutSecrets } from '../src/internal';
import { createSecretRegistry } from '../src/redact';

// The one redaction module of TDS (docs/security.md): every package replaces a secret with the same placeholder.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Lowercase hex, so a secret can never be spelt by the placeholder itself.
const secretArb = fc.stringMatching(/^[0-9a-f]{4,24}$/);

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret value with the one placeholder', () => {
    expect(REDACTED).toBe('[REDACTED]');
    expect(redactSecrets('token abcd1234 failed; again abcd1234', ['abcd1234', undefined, null])).toBe('token [REDACTED] failed; again [REDACTED]');
  });

  it('leaves values shorter than 4 characters alone (they would blank out ordinary words)', () => {
    expect(redactSecrets('the cat sat', ['cat', ''])).toBe('the cat sat');
  });

  it('replaces a secret that contains another whole, whatever order they are given in', () => {
    expect(redactSecrets('key abcdef123 and abcd', ['abcd', 'abcdef123'])).toBe('key [REDACTED] and [REDACTED]');
    expect(redactSecrets('key abcdef123 and abcd', ['abcdef123', 'abcd'])).toBe('key [REDACTED] and [REDACTED]');
  });

  it('no secret survives, wherever it sits in the text', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 1, maxLength: 4 }), fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (secrets, parts) => {
        const text = parts.map((part, i) => `${part}${secrets[i % secrets.length]}`).join('');
        const out = redactSecrets(text, secrets);
        for (const secret of secrets) expect(out).not.toContain(secret);
        expect(out).toContain(REDACTED);
      }),
    );
  });
});

describe('scrubSecrets', () => {
  it('also replaces what is shaped like a secret, with the same placeholder', () => {
    const text = [
      'GET https://user:hunter2@example.com/x',
      'Authorization: Zoho-oauthtoken 1000.abc',
      'refresh 1000.0123456789abcdef0123.0123456789abcdef0123',
      '{"client_secret":"s3cr3t-value"}',
      'known value zz-9988',
    ].join('\n');
    const out = scrubSecrets(text, ['zz-9988']);
    for (const leaked of ['hunter2', '1000.abc', '0123456789abcdef0123', 's3cr3t-value', 'zz-9988']) expect(out).not.toContain(leaked);
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(5);
    expect(out).toContain('https://[REDACTED]@example.com/x');
  });

  it('leaves ordinary text as it is', () => {
    expect(scrubSecrets('sync of products failed: HTTP 500 from Zoho')).toBe('sync of products failed: HTTP 500 from Zoho');
  });
});

describe('withoutSecrets', () => {
  it('drops fields named like secrets at any depth and redacts secret values in strings', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const value = { note: 'configured with adm1n-token', nested: [{ Client_Secret: 'x', refreshToken: 'y', keep: 1 }], at, none: null };
    expect(withoutSecrets(value, ['adm1n-token'])).toEqual({ note: 'configured with [REDACTED]', nested: [{ keep: 1 }], at, none: null });
  });
});

describe('createSecretRegistry', () => {
  it('redacts the configured secrets and the rotating ones it was told about, with the same placeholder', () => {
    const registry = createSecretRegistry(['client-secret-1', undefined]);
    registry.add('1000.rotating-access');
    expect(registry.redact('client-secret-1 / 1000.rotating-access')).toBe('[REDACTED] / [REDACTED]');
  });
});

describe('one placeholder', () => {
  it('no source file of any package spells a redaction placeholder of its own', () => {
    const files = execFileSync('git', ['ls-files', '-z', '--', 'packages/*/src/**.ts', 'packages/*/src/**.tsx'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((path) => path !== '' && path !== 'packages/zoho-client/src/redact.ts');
    expect(files.length).toBeGreaterThan(100);
    const own = files.filter((path) => {
      try {
        return /\[redacted\]|<redacted>|\[hidden\]|'\*{3,}'/i.test(readFileSync(join(repoRoot, path), 'utf8'));
      } catch {
        return false; // deleted in the working tree
      }
    });
    expect(own).toEqual([]);
  });
});
