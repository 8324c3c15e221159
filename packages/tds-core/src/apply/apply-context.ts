import { resolveTransformConfig, type TransformConfig } from '../transform/config';
import { CategoryCache } from './category-cache';

/** Configuration and lookups shared by every applier of one process. */
export interface ApplyContext {
  config: TransformConfig;
  categories: CategoryCache;
}

/** Validates the mapping options (throws TransformConfigError) and creates fresh caches. */
export function createApplyContext(config: Partial<TransformConfig> = {}): ApplyContext {
  const resolved = resolveTransformConfig(config);
  return {
    config: resolved,
    categories: new CategoryCache(),
  };
}
