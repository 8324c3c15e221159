import { z } from 'zod';
import { normalizePriceListName } from './price-list-name';

/** How Zoho records map onto TSH's columns where the mapping is a per-organization choice. */
export interface TransformConfig {
  /** api_name of the item custom field holding the Arabic name. */
  arabicNameField: string;
  /** Name of the price list whose rates become `products.consumer_price`. */
  consumerPriceListName: string;
  /** Name of the price list whose rates become `products.wholesale_price`. */
  wholesalePriceListName: string;
  /** When true, `transformProduct` also returns the parsed Zoho record as `product.raw`. */
  keepRaw: boolean;
}

export const defaultTransformConfig: Readonly<TransformConfig> = Object.freeze({
  arabicNameField: 'cf_name_ar',
  consumerPriceListName: 'Consumer Price List',
  wholesalePriceListName: 'Wholesale Price List',
  keepRaw: false,
});

const nonBlank = (what: string) => z.string().refine((v) => v.trim() !== '', { message: `${what} must not be empty` });

export const transformConfigSchema = z
  .object({
    arabicNameField: nonBlank('arabicNameField').default(defaultTransformConfig.arabicNameField),
    consumerPriceListName: nonBlank('consumerPriceListName').default(defaultTransformConfig.consumerPriceListName),
    wholesalePriceListName: nonBlank('wholesalePriceListName').default(defaultTransformConfig.wholesalePriceListName),
    keepRaw: z.boolean().default(defaultTransformConfig.keepRaw),
  })
  .strict()
  .refine((c) => normalizePriceListName(c.consumerPriceListName) !== normalizePriceListName(c.wholesalePriceListName), {
    message: 'consumerPriceListName and wholesalePriceListName must name different price lists',
    path: ['wholesalePriceListName'],
  });

/** A transform option that failed validation; the message names each offending option. */
export class TransformConfigError extends Error {
  readonly problems: ReadonlyArray<{ option: string; message: string }>;
  constructor(problems: ReadonlyArray<{ option: string; message: string }>) {
    super(`Invalid transform configuration: ${problems.map((p) => `${p.option}: ${p.message}`).join('; ')}`);
    this.name = 'TransformConfigError';
    this.problems = problems;
  }
}

/** Fills in defaults and validates; throws a TransformConfigError on bad or unknown options. */
export function resolveTransformConfig(partial: Partial<TransformConfig> = {}): TransformConfig {
  const parsed = transformConfigSchema.safeParse(partial);
  if (parsed.success) return parsed.data;
  throw new TransformConfigError(
    parsed.error.issues.map((issue) => ({ option: issue.path.join('.') || '(root)', message: issue.message })),
  );
}
