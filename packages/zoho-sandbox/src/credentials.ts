import { createRandom, type SandboxSeed } from './random';
import type { SandboxCredentials } from './http/oauth';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function text(random: ReturnType<typeof createRandom>, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}

/** Stable sandbox credentials for a seed, so `tds sandbox` prints the same ones on every start. */
export function sandboxCredentials(seed: SandboxSeed | undefined, overrides: Partial<SandboxCredentials> = {}): SandboxCredentials {
  const random = createRandom(seed, 'credentials');
  return {
    clientId: overrides.clientId ?? `1000.${text(random, ALNUM.slice(0, 26) + '0123456789', 30)}`,
    clientSecret: overrides.clientSecret ?? text(random, HEX, 42),
    refreshToken: overrides.refreshToken ?? `1000.${text(random, HEX, 32)}.${text(random, HEX, 32)}`,
  };
}

/** A webhook secret like the ones Zoho accepts: 12–50 alphanumerics. */
export function sandboxWebhookSecret(seed: SandboxSeed | undefined): string {
  return text(createRandom(seed, 'webhook-secret'), ALNUM, 32);
}
