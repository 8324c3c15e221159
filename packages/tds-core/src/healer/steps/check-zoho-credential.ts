import { clearAlert, raiseAlert } from '../../health/alerts/evaluate-alerts';
import type { HealthFinding } from '../../health/types';
import { scrubbedSnippet } from '../../health/sanitize';
import { credentialStateOf, reauthorizeHint } from '../../health/zoho-credential';
import { readTokenStatus } from '../../zoho-access/postgres-token-store';
import type { HealStep } from './context';

export function credentialFinding(reason: string, lastError: string | null, at: Date | null): HealthFinding {
  return {
    code: 'zoho_credential_invalid',
    severity: 'critical',
    component: 'zoho-auth',
    problem: `Zoho refused the refresh token (${reason}); nothing can be fetched from Zoho until it is replaced`,
    evidence: [`last refresh error at ${at?.toISOString() ?? 'unknown time'}: ${lastError ?? reason}`],
    remediation: reauthorizeHint(reason),
  };
}

/**
 * A dead credential (invalid_code and friends, with no unexpired access token left) cannot be healed
 * by a machine: raise a critical alert that says how to re-authorize, once, and close it when a
 * refresh succeeds again (or a stored token that still works shows it is not dead).
 */
export const checkZohoCredentialStep: HealStep = async ({ db, organizationId, logger, sinks, secrets }) => {
  const token = await readTokenStatus(db, organizationId);
  const { state, reason } = credentialStateOf(token);
  // A refused refresh while the stored token still works is health's warning (zoho_refresh_failed), not a dead credential.
  if (state !== 'refused' || !reason) {
    const cleared = await clearAlert('zoho_credential_invalid', { db, sinks, logger });
    return { action: 'check_zoho_credential', outcome: 'noop', details: { credential: state, alert_resolved: cleared !== null } };
  }
  const finding = credentialFinding(reason, scrubbedSnippet(token.lastError, secrets), token.lastErrorAt);
  const notice = await raiseAlert(finding, { db, sinks, logger });
  // Logged as a failure once, when first seen: the healer cannot fix it, a person must.
  return {
    action: 'check_zoho_credential',
    outcome: notice?.event === 'opened' ? 'failure' : 'noop',
    target: reason,
    details: { credential: 'refused', reason, alert: notice ? notice.event : 'already open', remediation: finding.remediation },
  };
};
