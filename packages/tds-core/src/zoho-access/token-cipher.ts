import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for the access tokens kept in zoho_oauth_tokens (docs/security.md). A row carries
 * the id of the key that wrote it, so a rotated-out key is still found while it is configured as a
 * previous key. The organization id is bound in as associated data: a row copied to another
 * organization's row does not decrypt.
 */
export interface TokenCipher {
  /** Id of the key new rows are written with. */
  readonly keyId: string;
  /** Ids of every key that can read (current first). */
  readonly keyIds: readonly string[];
  encrypt(plain: string, organizationId: string): { keyId: string; sealed: string };
  /** Null when no configured key has this id, or the row does not authenticate under it. */
  decrypt(sealed: string, keyId: string, organizationId: string): string | null;
}

const FORMAT = 'v1';

/** 32 bytes from 64 hex characters or base64 (with or without padding); null for anything else. */
export function parseEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

/** A short public name of a key: it says which key wrote a row without revealing anything of it. */
export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update('tds-token-key-id:').update(key).digest('hex').slice(0, 12);
}

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/**
 * The cipher of TDS_ENCRYPTION_KEY (writes and reads) and TDS_ENCRYPTION_KEY_PREVIOUS (a comma
 * list, reads only); null without a current key. Throws EncryptionKeyError naming the variable
 * (never the value) for a malformed key.
 */
export function createTokenCipher(current: string | undefined, previous?: string): TokenCipher | null {
  if (current === undefined || current.trim() === '') {
    if (previous && previous.trim() !== '') throw new EncryptionKeyError('TDS_ENCRYPTION_KEY_PREVIOUS is set without TDS_ENCRYPTION_KEY');
    return null;
  }
  const parse = (variable: string, text: string) => {
    const key = parseEncryptionKey(text);
    if (!key) throw new EncryptionKeyError(`${variable} must be 32 bytes as 64 hex characters or base64`);
    return key;
  };
  const keys = new Map<string, Buffer>();
  const currentKey = parse('TDS_ENCRYPTION_KEY', current);
  keys.set(encryptionKeyId(currentKey), currentKey);
  for (const text of (previous ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const key = parse('TDS_ENCRYPTION_KEY_PREVIOUS', text);
    if (!keys.has(encryptionKeyId(key))) keys.set(encryptionKeyId(key), key);
  }
  const keyId = encryptionKeyId(currentKey);

  return {
    keyId,
    keyIds: [...keys.keys()],
    encrypt(plain, organizationId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      cipher.setAAD(Buffer.from(`${organizationId}:${keyId}`, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const sealed = [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
      return { keyId, sealed };
    },
    decrypt(sealed, rowKeyId, organizationId) {
      const key = keys.get(rowKeyId);
      const parts = sealed.split(':');
      if (!key || parts.length !== 4 || parts[0] !== FORMAT) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64'));
        decipher.setAAD(Buffer.from(`${organizationId}:${rowKeyId}`, 'utf8'));
        decipher.setAuthTag(Buffer.from(parts[2]!, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
