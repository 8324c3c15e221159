import type { AlertLevel } from '../../db/schema';
import type { HealthFinding } from '../types';

export type AlertEvent = 'opened' | 'escalated' | 'resolved';

/** What a sink receives: one alert and what just happened to it. Never carries a secret. */
export interface AlertNotice {
  event: AlertEvent;
  /** tds_alerts id (null when the database could not be written, e.g. database_unreachable). */
  id: string | null;
  code: string;
  severity: AlertLevel;
  component: HealthFinding['component'] | string;
  message: string;
  remediation: string;
  evidence: string[];
  created_at: string;
  resolved_at: string | null;
}

/** Where alerts go (log, webhook, callback, …). A sink that throws or hangs never breaks evaluation. */
export interface AlertSink {
  readonly name?: string;
  send(alert: AlertNotice): Promise<void> | void;
}

/** A row of tds_alerts as shown to people. */
export interface StoredAlert {
  id: string;
  code: string;
  severity: AlertLevel;
  message: string;
  component: string | null;
  remediation: string | null;
  evidence: string[];
  created_at: Date;
  resolved_at: Date | null;
}
