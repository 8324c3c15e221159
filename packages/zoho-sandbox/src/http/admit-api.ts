import type { SeededRandom } from '../random';
import type { SandboxFaultKind } from './faults';
import type { SandboxOAuth } from './oauth';
import type { SandboxRateLimiter } from './rate-limit';
import { htmlErrorResponse, type SandboxResponse, zohoErrorResponse } from './respond';
import { isOrganizationsPath } from './routes';

/** What the gate needs to know about one API request, whatever carried it (node:http or msw). */
export interface SandboxApiRequestHead {
  method: string;
  authorization: string | undefined;
  segments: string[];
  params: URLSearchParams;
}

export interface SandboxApiGate {
  oauth: SandboxOAuth;
  organizationId: string;
  limiter: SandboxRateLimiter;
}

export type SandboxAdmissionResult = { ok: true; headers: Record<string, string> } | { ok: false; response: SandboxResponse; headers: Record<string, string> };

const TOO_MANY = 'You have made too many requests continuously. Please try again after some time.';

/**
 * Zoho's checks before an API request is answered, in Zoho's order: the token, the method
 * (the sandbox is read-only), the organization, then the limits. Shared by the HTTP server and
 * the msw handlers so both faces refuse exactly the same requests.
 */
export function admitApiRequest(gate: SandboxApiGate, head: SandboxApiRequestHead): SandboxAdmissionResult {
  const refuse = (response: SandboxResponse, headers: Record<string, string> = {}): SandboxAdmissionResult => ({ ok: false, response, headers });
  const auth = /^Zoho-oauthtoken\s+(\S+)\s*$/i.exec(head.authorization ?? '');
  if (!auth) return refuse(zohoErrorResponse(401, 57, 'You are not authorized to perform this operation'));
  if (gate.oauth.check(auth[1]!) !== 'valid') return refuse(zohoErrorResponse(401, 14, 'Invalid OAuth token'));
  if (head.method !== 'GET') return refuse(zohoErrorResponse(405, 37, 'The sandbox is read-only: only GET is allowed'));
  if (!isOrganizationsPath(head.segments)) {
    const org = head.params.get('organization_id');
    if (!org) return refuse(zohoErrorResponse(400, 6041, 'organization_id is required: this user is associated with more than one organization'));
    if (org !== gate.organizationId) return refuse(zohoErrorResponse(401, 6041, 'This user is not associated with the organization.'));
  }
  const admission = gate.limiter.admit();
  const headers = gate.limiter.headers();
  if (admission.ok) return { ok: true, headers };
  const message =
    admission.reason === 'daily'
      ? 'You have crossed the maximum number of API calls allowed per day.'
      : admission.reason === 'concurrency'
        ? 'You have made too many concurrent requests. Please try again after some time.'
        : TOO_MANY;
  return refuse(zohoErrorResponse(429, admission.reason === 'daily' ? 45 : 44, message), headers);
}

/** The answer an injected fault replaces the real one with ('slow', 'reset' and 'invalid' are the carrier's to apply). */
export function faultResponse(fault: SandboxFaultKind, random: SeededRandom): SandboxResponse | undefined {
  if (fault === 'error') return zohoErrorResponse(random.pick([500, 500, 503]), 1000, 'Internal Error');
  if (fault === 'html-error') return htmlErrorResponse(random.pick([502, 503, 504]));
  if (fault === 'rate-limit') return zohoErrorResponse(429, 44, TOO_MANY);
  return undefined;
}
