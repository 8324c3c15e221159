import { resolveTransformConfig, type TransformConfig } from '../transform/config';
import { CategoryCache } from './category-cache';
import { PriceRoleCache } from './price-roles';

/** Configuration and lookups shared by every applier of one process. */
export interface ApplyContext {
  config: TransformConfig;
  categories: CategoryCache;
  priceRoles: PriceRoleCache;
}

export interface ApplyContextOptions {
  /** How long the price-role lookup may be reused before it is read again (default 30 s). */
  priceRoleTtlMs?: number;
}

/** Validates the mapping options (throws TransformConfigError) and creates fresh caches. */
export function createApplyContext(config: Partial<TransformConfig> = {}, options: ApplyContextOptions = {}): ApplyContext {
  const resolved = resolveTransformConfig(config);
  return {
    config: resolved,
    categories: new CategoryCache(),
    priceRoles: new PriceRoleCache(resolved, options.priceRoleTtlMs),
  };
}
