import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `given` equals `expected`, in time independent of where (or whether) they differ. */
export function tokensEqual(given: string, expected: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <token>`: 401 without one, 403 with a wrong one. */
export function requireAdminToken(adminToken: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tds"');
      sendProblem(res, 401, 'unauthorized', 'An admin bearer token is required (Authorization: Bearer <TDS_ADMIN_TOKEN>)');
      return;
    }
    if (!tokensEqual(match[1], adminToken)) {
      sendProblem(res, 403, 'forbidden', 'The admin token is not valid');
      return;
    }
    next();
  };
}
