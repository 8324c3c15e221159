/** Holds every secret the client knows, so any text built from remote content can be scrubbed of them. */
export interface SecretRegistry {
  add(secret: string | null | undefined): void;
  redact(text: string): string;
}

const MAX_REMEMBERED = 20;

export function createSecretRegistry(initial: Array<string | undefined>): SecretRegistry {
  const fixed = initial.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const rotating: string[] = [];
  return {
    add(secret) {
      if (!secret || secret.length < 4 || rotating.includes(secret)) return;
      rotating.push(secret);
      if (rotating.length > MAX_REMEMBERED) rotating.shift();
    },
    redact(text) {
      let out = text;
      for (const secret of [...fixed, ...rotating]) out = out.split(secret).join('[redacted]');
      return out;
    },
  };
}
