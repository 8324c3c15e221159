/**
 * Walks pages in two overlapping stages: while page k is stored, page k+1 is fetched (its list
 * request and whatever `fetch` asks Zoho for it). Stored one after the other, in page order, each
 * store starting only once the previous one is done, so cursors and checkpoints move as in a plain
 * loop. Memory stays bounded: at most one fetched page is in hand beyond the one being stored; the
 * page after it is not asked for until the store ends.
 *
 * Why: under Zoho's rate limit a request slot that frees while the walker is busy storing goes
 * unused until the store ends, and the sliding window carries that delay on to every later window
 * (docs/benchmarks.md, the budget row). Fetching the next page meanwhile keeps a request waiting.
 *
 * `fetch` gets the page fetched before it (the one being stored while it runs, undefined for the
 * first) and must write nothing: whatever it needs written goes to `store`. A fetch that fails is
 * reported once the store of the page before it is done, as a plain loop would. When a store
 * fails, `stopFetching` is called (the caller cuts the fetch's Zoho calls: the run is over, its
 * budget is not to be spent), the fetch running beside it is waited for so that nothing of the
 * run outlives it, and the walk stops there.
 */
export async function fetchWhileStoring<P, F>(
  pages: AsyncIterable<P>,
  fetch: (page: P, previous: F | undefined) => Promise<F>,
  store: (fetched: F) => Promise<void>,
  stopFetching: () => void = () => undefined,
): Promise<void> {
  const iterator = pages[Symbol.asyncIterator]();
  const fetchNext = async (previous: F | undefined): Promise<{ fetched: F } | null> => {
    const next = await iterator.next();
    if (next.done) return null;
    return { fetched: await fetch(next.value, previous) };
  };
  let upcoming = fetchNext(undefined);
  for (;;) {
    const current = await upcoming;
    if (current === null) return;
    upcoming = fetchNext(current.fetched);
    // Its failure is taken below, after the store: no unhandled rejection meanwhile.
    upcoming.catch(() => undefined);
    try {
      await store(current.fetched);
    } catch (error) {
      stopFetching();
      await upcoming.catch(() => undefined);
      await iterator.return?.(undefined);
      throw error;
    }
  }
}
