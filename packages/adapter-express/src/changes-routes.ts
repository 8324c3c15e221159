import { ChangeCursorExpiredError, ChangeFeedInputError, type ChangePage, type ReadChangesOptions, type TdsCore } from '@tsh/tds-core';
import express, { type Request, type Router } from 'express';
import { openEventStream } from './dashboard/event-stream';
import { singleQueryValue } from './admin-input';
import { HttpProblem } from './problem';

/** The largest change id: the feed's ids are PostgreSQL bigints, read as at most 18 digits. */
const MAX_CHANGE_ID_DIGITS = 18;

/** ?after=ID&limit=N&entity=a,b (or entity repeated) as read options; after and limit take one value. */
export function changeQueryOf(query: Request['query']): ReadChangesOptions {
  const after = singleQueryValue(query, 'after', 'invalid_changes_query');
  const limit = singleQueryValue(query, 'limit', 'invalid_changes_query');
  const raw = query.entity ?? query.entities;
  const entities = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((e) => String(e).split(',')).map((e) => e.trim()).filter(Boolean);
  if (limit !== undefined && !/^\d{1,4}$/.test(String(limit))) throw new HttpProblem(400, 'invalid_changes_query', 'limit must be a whole number from 1 to 1000');
  if (after !== undefined && /^\d+$/.test(after) && after.replace(/^0+(?=\d)/, '').length > MAX_CHANGE_ID_DIGITS) {
    throw new HttpProblem(400, 'invalid_changes_query', `after is too large: a change id has at most ${MAX_CHANGE_ID_DIGITS} digits, got ${after.length}`);
  }
  return { after: after === undefined || after === '' ? null : String(after), limit: limit === undefined ? undefined : Number(limit), entities };
}

async function readOrProblem(core: TdsCore, options: ReadChangesOptions): Promise<ChangePage> {
  try {
    return await core.changes.read(options);
  } catch (error) {
    if (error instanceof ChangeFeedInputError) throw new HttpProblem(400, 'invalid_changes_query', error.message);
    if (error instanceof ChangeCursorExpiredError) throw new HttpProblem(410, 'cursor_expired', error.message);
    throw error;
  }
}

/**
 * The change feed over HTTP (docs/change-feed.md), inside the admin routes (admin token):
 * GET {prefix}/changes → { changes, cursor }; GET {prefix}/changes/stream → server-sent events, one
 * `change` event per change with the change id as the event id, so a client that reconnects
 * (Last-Event-ID) continues where it stopped; an `expired` event when its cursor fell behind retention.
 * GET {prefix}/trace/:entity/:id → one record's timeline; GET {prefix}/trace/search?q= → records to trace.
 * Mounted by adminRoutes behind its admin-token check with the wrong-token lockout (admin-auth.ts),
 * like every other route under {prefix}: the feed and a record's timeline are admin data.
 */
export function changesRoutes(core: TdsCore, prefix: string, { pollMs = 500, keepAliveMs = 15_000 } = {}): Router {
  const router = express.Router();

  router.get(`${prefix}/changes`, async (req, res) => {
    res.json(await readOrProblem(core, changeQueryOf(req.query)));
  });

  router.get(`${prefix}/changes/stream`, async (req, res) => {
    const options = changeQueryOf(req.query);
    const lastEventId = req.get('Last-Event-ID');
    // Checked before the stream opens, so bad options and an expired cursor are plain 4xx answers.
    const firstPage = await readOrProblem(core, { ...options, after: lastEventId ?? options.after, limit: 1 });
    let cursor = lastEventId ?? options.after ?? null;
    if (cursor === null && firstPage.changes.length === 0) cursor = firstPage.cursor;
    const stream = openEventStream(req, res, { retryMs: 2000, checkEveryMs: keepAliveMs });
    while (!stream.closed) {
      try {
        const page = await core.changes.read({ ...options, after: cursor, limit: 100 });
        for (const change of page.changes) res.write(`id: ${change.id}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
        cursor = page.cursor;
        if (page.changes.length < 100) await new Promise((resolve) => setTimeout(resolve, pollMs));
      } catch (error) {
        if (error instanceof ChangeCursorExpiredError) {
          stream.send('expired', { message: error.message, purged_through: error.purgedThrough });
          stream.close();
          return;
        }
        core.logger.warn({ err: (error as Error).message }, 'change stream could not read; retrying');
        await new Promise((resolve) => setTimeout(resolve, pollMs * 4));
      }
    }
  });

  // Records to trace, for the dashboard's Record view: ?q= a Zoho id, SKU, invoice/bill number or part of a name.
  router.get(`${prefix}/trace/search`, async (req, res) => {
    try {
      res.json({ results: await core.traceSearch(singleQueryValue(req.query, 'q', 'invalid_trace_search') ?? '') });
    } catch (error) {
      if (error instanceof ChangeFeedInputError) throw new HttpProblem(400, 'invalid_trace_search', error.message);
      throw error;
    }
  });

  // One record's timeline (docs/change-feed.md, "Trace one record").
  router.get(`${prefix}/trace/:entity/:id`, async (req, res) => {
    try {
      res.json(await core.trace(req.params.entity, req.params.id));
    } catch (error) {
      if (error instanceof ChangeFeedInputError) throw new HttpProblem(400, 'invalid_trace', error.message);
      throw error;
    }
  });

  return router;
}
