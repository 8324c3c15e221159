import type { HealSuccessRate } from '../sql/heal-success-rate';
import type { HealthFinding, SystemHealth } from '../types';

export interface ReportHealAction {
  at: string;
  /** Seconds before the reading (so the text does not depend on the clock). */
  age_seconds: number;
  action: string;
  outcome: 'success' | 'failure' | 'noop';
  target: string | null;
  summary: string;
}

export interface ReportAlert {
  id: string;
  code: string;
  severity: string;
  message: string;
  opened_at: string;
}

/** Everything the status and error reports show, as JSON (the `--json` form). A type alias so it fits `Record<string, unknown>`. */
export type HealthReport = {
  generated_at: string;
  health: SystemHealth;
  findings: HealthFinding[];
  heal: { success_rate_24h: HealSuccessRate; recent_actions: ReportHealAction[] };
  open_alerts: ReportAlert[];
};
