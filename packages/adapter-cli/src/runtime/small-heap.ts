import { setFlagsFromString } from 'node:v8';

/**
 * Asks V8 to keep the heap small for a long one-shot command. A full sync keeps little (one list
 * page and its item details at a time) but allocates steadily, and each page's records live for
 * the page's apply, long enough to be promoted; with its default growth V8 lets the old generation
 * reach several times what is alive before collecting it (the 100 000-item sync peaked at 200+ MiB
 * with ~30 MiB alive). `--optimize-for-size` makes it grow the heap conservatively instead, at a
 * small cost in collection time (docs/benchmarks.md, memory row). V8 reads the flag at each
 * collection, so setting it at run time takes effect from the next one.
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
