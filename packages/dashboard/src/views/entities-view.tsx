import { RefreshCw } from 'lucide-react';
import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { RunProgress } from '@/components/run-progress';
import { OutcomeBadge } from '@/components/status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useAsync } from '@/hooks/use-async';
import type { ApiClient } from '@/lib/api-client';
import { formatAgo, formatCount, formatTime } from '@/lib/format';
import type { SyncMode, SyncRun } from '@/lib/types';

/** Per entity: last sync, cursor, counts, last error, and "sync now" with live progress. */
export function EntitiesView({ client }: { client: ApiClient }) {
  const { data: entities, error, loading, reload } = useAsync(() => client.entities(), [client]);
  const [runs, setRuns] = useState<Record<string, SyncRun>>({});
  const [startError, setStartError] = useState<string | null>(null);
  const following = useRef(new Set<AbortController>());

  useEffect(() => () => following.current.forEach((c) => c.abort()), []);

  const start = useCallback(
    async (entity: string, mode: SyncMode) => {
      setStartError(null);
      let runId: string;
      try {
        ({ runId } = await client.startSync(entity, mode));
      } catch (e) {
        setStartError(`Could not start the ${mode} sync of ${entity}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      const controller = new AbortController();
      following.current.add(controller);
      const show = (run: SyncRun) => setRuns((current) => ({ ...current, ...Object.fromEntries(run.entities.map((e) => [e, run])) }));
      try {
        await client.followRun(runId, show, controller.signal);
      } catch (e) {
        setStartError(`Lost the progress of the ${entity} sync: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        following.current.delete(controller);
        reload();
      }
    },
    [client, reload],
  );

  const running = (entity: string) => runs[entity]?.status === 'running';
  const anyRunning = Object.values(runs).some((r) => r.status === 'running');

  return (
    <Card data-testid="entities">
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-2">
        <div className="flex flex-col gap-1">
          <CardTitle>Entities</CardTitle>
          <CardDescription>What each sync has brought into PostgreSQL, and what still waits</CardDescription>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={reload} disabled={loading}>
            <RefreshCw className={loading ? 'animate-spin' : undefined} /> Refresh
          </Button>
          <Button variant="secondary" size="sm" disabled={anyRunning} onClick={() => void start('all', 'incremental')}>
            Sync all (incremental)
          </Button>
          <Button variant="secondary" size="sm" disabled={anyRunning} onClick={() => void start('all', 'full')}>
            Sync all (full)
          </Button>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {error && <Alert variant="destructive">Could not read the entities: {error}</Alert>}
        {startError && <Alert variant="destructive">{startError}</Alert>}
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Entity</TableHead>
              <TableHead className="text-right">Rows</TableHead>
              <TableHead>Last sync</TableHead>
              <TableHead>Cursor</TableHead>
              <TableHead>Last run</TableHead>
              <TableHead className="text-right">Waiting</TableHead>
              <TableHead className="text-right">Dead letters</TableHead>
              <TableHead>Last error</TableHead>
              <TableHead className="text-right">Sync now</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {(entities ?? []).map((e) => (
              <Fragment key={e.entity}>
                <TableRow data-testid={`entity-row-${e.entity}`}>
                  <TableCell className="font-medium">
                    {e.entity}
                    <div className="text-xs font-normal text-muted-foreground">{e.table}</div>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    <span data-testid={`entity-rows-${e.entity}`}>{formatCount(e.rows)}</span>
                    {e.deleted_rows > 0 && <div className="text-xs text-muted-foreground">{formatCount(e.deleted_rows)} deleted</div>}
                  </TableCell>
                  <TableCell title={formatTime(e.last_sync_at)}>
                    {formatAgo(e.last_sync_at)}
                    <div className="text-xs text-muted-foreground">
                      full {formatAgo(e.last_full_sync_at)}
                    </div>
                  </TableCell>
                  <TableCell className="text-xs tabular-nums">{formatTime(e.cursor)}</TableCell>
                  <TableCell>
                    {e.last_run ? (
                      <div className="flex flex-col gap-1">
                        <OutcomeBadge outcome={e.last_run.status} />
                        <span className="text-xs text-muted-foreground">
                          {e.last_run.mode}, {formatAgo(e.last_run.started_at)}
                        </span>
                      </div>
                    ) : (
                      <span className="text-muted-foreground">none</span>
                    )}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatCount(e.queue_pending)}
                    {e.queue_processing > 0 && <div className="text-xs text-muted-foreground">{formatCount(e.queue_processing)} processing</div>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(e.dead_letters_open)}</TableCell>
                  <TableCell className="max-w-64">
                    {e.last_error ? (
                      <span className="line-clamp-2 text-xs text-destructive" title={e.last_error}>
                        {e.last_error}
                      </span>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </TableCell>
                  <TableCell className="text-right">
                    <div className="flex justify-end gap-1.5">
                      <Button size="sm" variant="outline" disabled={running(e.entity)} data-testid={`sync-${e.entity}-incremental`} onClick={() => void start(e.entity, 'incremental')}>
                        Incremental
                      </Button>
                      <Button size="sm" variant="outline" disabled={running(e.entity)} data-testid={`sync-${e.entity}-full`} onClick={() => void start(e.entity, 'full')}>
                        Full
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
                {runs[e.entity] && (
                  <TableRow className="hover:bg-transparent">
                    <TableCell colSpan={9} className="pt-0">
                      <RunProgress run={runs[e.entity]} entity={e.entity} />
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
