import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AdminLockout } from './admin-lockout';
import { sendProblem } from './problem';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `given` equals `expected`, in time independent of where (or whether) they differ. */
export function tokensEqual(given: string, expected: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `Authorization: Bearer <token>`: 401 without one, 403 with a wrong one, and 429 with
 * Retry-After while the client's address is locked out after repeated wrong tokens (admin-lockout.ts).
 */
export function requireAdminToken(adminToken: string, lockout?: AdminLockout): RequestHandler {
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const waitMs = lockout?.blockedFor(address) ?? 0;
    if (waitMs > 0) {
      res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      sendProblem(res, 429, 'too_many_attempts', 'Too many wrong admin tokens from this address; try again later');
      return;
    }
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tds"');
      sendProblem(res, 401, 'unauthorized', 'An admin bearer token is required (Authorization: Bearer <TDS_ADMIN_TOKEN>)');
      return;
    }
    if (!tokensEqual(match[1], adminToken)) {
      lockout?.failed(address);
      sendProblem(res, 403, 'forbidden', 'The admin token is not valid');
      return;
    }
    lockout?.succeeded(address);
    next();
  };
}
