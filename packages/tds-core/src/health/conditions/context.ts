import type { HealthThresholds } from '../thresholds';
import type { SystemHealth } from '../types';

/** The measured sections conditions are judged on. */
export type HealthSections = Omit<SystemHealth, 'status' | 'alerts' | 'findings'>;

export interface ConditionContext {
  health: HealthSections;
  thresholds: HealthThresholds;
}
