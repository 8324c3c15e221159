import { useEffect, useState } from 'react';
import type { ApiClient } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import type { LiveSnapshot } from '@/lib/types';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const RECONNECT_MS = 2000;

/** The latest snapshot from GET /api/tds/events, reconnecting (every 2 s) whenever the stream drops. */
export function useLiveSnapshot(client: ApiClient): { snapshot: LiveSnapshot | null; state: LiveState; error: string | null } {
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null);
  const [state, setState] = useState<LiveState>('connecting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    void (async () => {
      while (!signal.aborted) {
        try {
          await client.liveSnapshots((next) => {
            setSnapshot(next);
            setState('live');
            setError(null);
          }, signal);
        } catch (e) {
          // A refused token signs the operator out (the client's onUnauthorized): nothing to retry.
          if (e instanceof ApiError && e.unauthorized) return;
          setError(e instanceof Error ? e.message : String(e));
        }
        if (signal.aborted) return;
        setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    })();
    return () => controller.abort();
  }, [client]);

  return { snapshot, state, error };
}
