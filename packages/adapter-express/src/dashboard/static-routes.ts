import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Response, type Router } from 'express';
import { sendProblem } from '../problem';
import { DASHBOARD_PATH, type TdsDashboardOptions } from './dashboard-options';
import { dashboardDistDir } from './dist-dir';

// The page talks to its own origin only; Radix positions popovers with inline styles.
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

function setAssetHeaders(res: Response, path: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Vite names built assets by content hash: they never change under the same URL.
  if (/[\\/]assets[\\/]/.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  else res.setHeader('Cache-Control', 'no-cache');
}

const escapeAttribute = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page as built refers to /tds/… and calls /api/tds/…: under a mount prefix both move. Its
 * asset and icon URLs get the prefix, and the prefix is handed to the page's API client in a meta
 * tag (the page's CSP allows no inline script).
 */
function pageUnder(page: string, prefix: string): string {
  const at = escapeAttribute(prefix);
  const meta = `<meta name="tds-api-base" content="${at}">`;
  const moved = page.replace(/(\s(?:src|href)=")\/tds\//g, (_match, attribute: string) => `${attribute}${at}/tds/`);
  if (/<head>/i.test(moved)) return moved.replace(/<head>/i, (head) => `${head}${meta}`);
  return moved.replace(/^(<!doctype html>)?/i, (doctype) => `${doctype}${meta}`);
}

/**
 * GET /tds/…: the built dashboard (static files, index.html for any other page path). Without a
 * build it answers 503 with what to run; the build is looked for on each request, so building
 * while the server runs is enough.
 */
export function dashboardStaticRoutes(options: TdsDashboardOptions = {}): Router {
  const distDir = options.distDir ?? dashboardDistDir();
  const router = express.Router();
  const files = distDir ? express.static(distDir, { index: false, redirect: false, dotfiles: 'ignore', setHeaders: setAssetHeaders }) : null;

  router.get(DASHBOARD_PATH, (req, res, next) => {
    const [path, query] = req.originalUrl.split('?', 2);
    // req.baseUrl: where the host mounted the TDS router ('' at the root).
    if (path !== `${req.baseUrl}${DASHBOARD_PATH}`) return next();
    res.redirect(301, `${req.baseUrl}${DASHBOARD_PATH}/${query === undefined ? '' : `?${query}`}`);
  });

  router.use(DASHBOARD_PATH, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const index = distDir ? join(distDir, 'index.html') : null;
    if (!distDir) {
      sendProblem(
        res,
        503,
        'dashboard_not_installed',
        'The TDS dashboard is an optional package that is not installed: npm install @tsh/tds-dashboard (the same version as @tsh/tds-express), then reload',
      );
      return;
    }
    if (!files || !index || !existsSync(index)) {
      res.setHeader('Retry-After', '30');
      sendProblem(
        res,
        503,
        'dashboard_not_built',
        'The TDS dashboard is not built: run `pnpm build` (or `pnpm --filter @tsh/tds-dashboard build`) in the TDS checkout, then reload',
      );
      return;
    }
    files(req, res, () => {
      // A missing asset is a 404, not the page: the browser asked for a file.
      if (/^\/assets\//.test(req.path) || /\.[a-z0-9]+$/i.test(req.path)) return next();
      res.set(PAGE_HEADERS);
      readFile(index, 'utf8').then(
        (page) => res.type('html').send(pageUnder(page, req.baseUrl.slice(0, -DASHBOARD_PATH.length))),
        (error: unknown) => next(error),
      );
    });
  });
  return router;
}
