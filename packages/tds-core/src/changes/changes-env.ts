import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A Standard Webhooks secret: `whsec_` and the base64 of a 24-64 byte key, as any Standard Webhooks library takes it. */
const WHSEC = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** The change feed's part of the environment (docs/change-feed.md). */
export const changesEnv = {
  TDS_CHANGES_WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional()),
  TDS_CHANGES_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().regex(WHSEC, { message: 'must be a Standard Webhooks secret: whsec_ followed by the base64 of a 24-64 byte key' }).optional(),
  ),
  TDS_CHANGES_RETENTION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number of days' })
      .int({ message: 'must be a whole number of days' })
      .min(1, { message: 'must be at least 1' })
      .max(3650, { message: 'must be at most 3650' })
      .default(7),
  ),
};
