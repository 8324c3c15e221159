import type { TokenManager } from '../auth/token-manager';

/** Token changes one request goes through on 401s before it gives up (each mints at most once). */
export const MAX_TOKEN_RECOVERIES = 3;

export type UnauthorizedVerdict =
  /** The refused token was replaced or refreshed: try again with the new one. */
  | 'retry'
  /** Refused with a token minted for this very request and still the newest: scopes or organization. */
  | 'not-authorized'
  /** Every token tried was replaced again before it could be used: retry the call later. */
  | 'tokens-churning';

/**
 * Decides, for one request, what a 401 means. Zoho answers code 57 both for a dead token and for a
 * missing scope, and a shared token can die early: minting an 11th live access token kills the
 * oldest, so a token another process minted (or one we minted, if others mint right after) may be
 * refused long before it expires. Only a 401 on a token this request's own refresh minted, which
 * no newer token has replaced since, is taken as a scope or organization problem
 * (docs/zoho-client-robustness.md, "A second 401"). A token this process minted for a 401 on the
 * same refused token counts as minted for this request even when another request asked first.
 *
 * The caller (request-core) decides before this policy: a 401 with code 6041 never refreshes, and
 * a 401 on a module already judged scope-denied (scope-denials.ts) fails without minting. The
 * refreshes asked here are capped per token manager (ForcedRefreshLimitError).
 */
export function createUnauthorizedPolicy(auth: TokenManager) {
  let mintedForThisRequest: string | null = null;
  let recoveries = 0;
  return async function onUnauthorized(refusedToken: string): Promise<UnauthorizedVerdict> {
    const ours = refusedToken === mintedForThisRequest;
    // Our own fresh token refused is a scope problem, unless another process replaced it meanwhile:
    // then it is likely the one the 11th-token rule killed, and its replacement is worth a try.
    if (ours && (await auth.replacementOf(refusedToken)) === null) return 'not-authorized';
    if (recoveries >= MAX_TOKEN_RECOVERIES) return 'tokens-churning';
    recoveries += 1;
    if (!ours) {
      const { token, minted } = await auth.refresh(refusedToken, { unauthorized: true });
      if (minted) mintedForThisRequest = token.accessToken;
    }
    return 'retry';
  };
}
