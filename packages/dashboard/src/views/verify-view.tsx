import { RefreshCw, ShieldCheck, Wrench } from 'lucide-react';
import { useEffect, useState } from 'react';
import { OutcomeBadge } from '@/components/status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { NativeSelect } from '@/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useAsync } from '@/hooks/use-async';
import type { ApiClient } from '@/lib/api-client';
import { formatAgo, formatCount, formatTime } from '@/lib/format';
import { ENTITIES, type VerifiedReliability, type VerifyRun } from '@/lib/types';

/** "99.95 %", never rounded up past a threshold (99.899 shows 99.89), or "not measured". */
export function reliabilityText(r: VerifiedReliability | undefined): string {
  if (!r || r.ratio === null) return 'not measured';
  return `${Math.floor(r.ratio * 10_000) / 100} %`;
}

/** `lines[4711].quantity` and `lines[4712].quantity` are the same column of different child rows. */
const columnGroup = (column: string) => column.replace(/\[[^\]]*\]/g, '[]');

/** Per entity, how many records differ in each column (drifted), and how many are missing or extra. */
export function driftByColumn(run: VerifyRun): Array<{ entity: string; column: string; records: number }> {
  const rows: Array<{ entity: string; column: string; records: number }> = [];
  for (const e of run.entities) {
    const counts = new Map<string, number>();
    for (const d of e.drifted) for (const column of new Set(d.columns.map((c) => columnGroup(c.column)))) counts.set(column, (counts.get(column) ?? 0) + 1);
    for (const [column, records] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) rows.push({ entity: e.entity, column, records });
    if (e.missing.length > 0) rows.push({ entity: e.entity, column: '(missing here)', records: e.missing.length });
    if (e.extra.length > 0) rows.push({ entity: e.entity, column: '(extra here)', records: e.extra.length });
  }
  return rows;
}

const show = (value: unknown) => (value === null || value === undefined ? '∅' : typeof value === 'string' ? JSON.stringify(value) : String(value));

function RunsTable({ runs, selected, onSelect }: { runs: VerifyRun[]; selected: string | null; onSelect: (id: string) => void }) {
  if (runs.length === 0) return <p className="text-sm text-muted-foreground" data-testid="verify-runs-empty">No verify has run yet.</p>;
  return (
    <Table data-testid="verify-runs">
      <TableHeader>
        <TableRow>
          <TableHead>Finished</TableHead>
          <TableHead>Trigger</TableHead>
          <TableHead>Sample</TableHead>
          <TableHead className="text-right">Checked</TableHead>
          <TableHead className="text-right">Drifted</TableHead>
          <TableHead className="text-right">Missing</TableHead>
          <TableHead className="text-right">Extra</TableHead>
          <TableHead className="text-right">Requests</TableHead>
          <TableHead>Result</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.map((r) => (
          <TableRow
            key={r.id}
            data-testid={`verify-run-${r.id}`}
            data-selected={r.id === selected}
            className={r.id === selected ? 'bg-muted' : 'cursor-pointer'}
            onClick={() => onSelect(r.id)}
          >
            <TableCell className="text-xs whitespace-nowrap" title={formatTime(r.finished_at)}>
              {formatAgo(r.finished_at)}
            </TableCell>
            <TableCell>{r.repair ? `${r.trigger} + repair` : r.trigger}</TableCell>
            <TableCell>{r.sample === null ? 'all' : formatCount(r.sample)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(r.checked)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(r.drifted)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(r.missing)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(r.extra)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCount(r.requests)}</TableCell>
            <TableCell>
              <OutcomeBadge outcome={r.ok ? 'succeeded' : 'failed'} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function RunDrift({ run }: { run: VerifyRun }) {
  const byColumn = driftByColumn(run);
  const differences = run.entities.flatMap((e) => e.drifted.flatMap((d) => d.columns.map((c) => ({ entity: e.entity, zoho_id: d.zoho_id, ...c }))));
  if (byColumn.length === 0) return <p className="text-sm text-muted-foreground" data-testid="verify-no-drift">Every record this run checked equals Zoho.</p>;
  return (
    <div className="flex flex-col gap-4">
      <Table data-testid="verify-drift-by-column">
        <TableHeader>
          <TableRow>
            <TableHead>Entity</TableHead>
            <TableHead>Column</TableHead>
            <TableHead className="text-right">Records</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {byColumn.map((row) => (
            <TableRow key={`${row.entity}:${row.column}`}>
              <TableCell>{row.entity}</TableCell>
              <TableCell className="font-mono text-xs">{row.column}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(row.records)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {differences.length > 0 && (
        <Table data-testid="verify-differences">
          <TableHeader>
            <TableRow>
              <TableHead>Entity</TableHead>
              <TableHead>Zoho id</TableHead>
              <TableHead>Column</TableHead>
              <TableHead>Stored</TableHead>
              <TableHead>Zoho</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {differences.slice(0, 50).map((d, i) => (
              <TableRow key={i}>
                <TableCell>{d.entity}</TableCell>
                <TableCell className="font-mono text-xs">{d.zoho_id}</TableCell>
                <TableCell className="font-mono text-xs">{d.column}</TableCell>
                <TableCell className="max-w-64 text-xs break-all" dir="auto">{show(d.stored)}</TableCell>
                <TableCell className="max-w-64 text-xs break-all" dir="auto">{show(d.zoho)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

/**
 * The Verify view (docs/verify.md): verified reliability over 24 h, the latest runs, drift of the
 * chosen run by entity and column with its first differences, and buttons to verify now or repair.
 * A started verify runs on the server; the view polls until it has finished, then reloads.
 */
export function VerifyView({ client, pollMs = 1000 }: { client: ApiClient; pollMs?: number }) {
  const data = useAsync(() => client.verifyRuns(), [client]);
  const [selected, setSelected] = useState<string | null>(null);
  const [entity, setEntity] = useState<string>('all');
  const [busy, setBusy] = useState<'verify' | 'repair' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const { reload } = data;

  const runs = data.data?.runs ?? [];
  const run = runs.find((r) => r.id === selected) ?? runs[0] ?? null;

  useEffect(() => {
    if (!busy) return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, pollMs));
        try {
          if (!(await client.verifyRunning())) break;
        } catch (e) {
          setProblem(e instanceof Error ? e.message : String(e));
          break;
        }
      }
      if (!stopped) {
        setBusy(null);
        setSelected(null);
        reload();
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [busy, client, pollMs, reload]);

  const start = async (repair: boolean) => {
    setProblem(null);
    try {
      await client.startVerify({ entities: entity === 'all' ? 'all' : [entity], repair });
      setBusy(repair ? 'repair' : 'verify');
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  const differing = run ? run.drifted + run.missing + run.extra : 0;

  return (
    <div className="grid gap-4" data-testid="verify">
      <Card>
        <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
          <div className="flex flex-col gap-1">
            <CardTitle>Verified reliability (last 24 h)</CardTitle>
            <CardDescription>Records found equal to Zoho over records checked by verify runs</CardDescription>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <NativeSelect aria-label="Entity to verify" value={entity} onChange={(e) => setEntity(e.target.value)} data-testid="verify-entity">
              <option value="all">all entities</option>
              {ENTITIES.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </NativeSelect>
            <Button variant="outline" size="sm" disabled={busy !== null} onClick={() => void start(false)} data-testid="verify-start">
              <ShieldCheck /> Verify now
            </Button>
            <Button variant="destructive" size="sm" disabled={busy !== null} onClick={() => void start(true)} data-testid="verify-repair">
              <Wrench /> Repair
            </Button>
            <Button variant="ghost" size="sm" onClick={reload}>
              <RefreshCw className={data.loading || busy ? 'animate-spin' : undefined} /> Refresh
            </Button>
          </div>
        </CardHeader>
        <CardContent className="flex flex-col gap-2">
          <p className="text-3xl font-semibold tabular-nums" data-testid="verified-reliability">
            {reliabilityText(data.data?.reliability)}
          </p>
          {data.data && (
            <p className="text-sm text-muted-foreground">
              {formatCount(data.data.reliability.matching)} of {formatCount(data.data.reliability.checked)} records equal Zoho over{' '}
              {formatCount(data.data.reliability.runs)} run(s)
            </p>
          )}
          {busy && (
            <p className="text-sm" data-testid="verify-busy">
              {busy === 'repair' ? 'Repairing: the differing records are re-synced from Zoho, then checked again…' : 'Verifying against Zoho…'}
            </p>
          )}
          {problem && <Alert variant="destructive">{problem}</Alert>}
          {data.error && <Alert variant="destructive">Could not read the verify runs: {data.error}</Alert>}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Latest runs</CardTitle>
          <CardDescription>Scheduled sampled runs, `tds verify` and runs started here, newest first</CardDescription>
        </CardHeader>
        <CardContent>
          <RunsTable runs={runs} selected={run?.id ?? null} onSelect={setSelected} />
        </CardContent>
      </Card>
      {run && (
        <Card>
          <CardHeader>
            <CardTitle>Drift by entity and column</CardTitle>
            <CardDescription>
              <span data-testid="verify-run-summary">
                Run {run.id}, finished {formatAgo(run.finished_at)}: {formatCount(differing)} record(s) differed
                {run.repair && `, ${formatCount(run.repaired)} repaired`}
                {run.notes.length > 0 && ` (${run.notes.join('; ')})`}
              </span>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <RunDrift run={run} />
          </CardContent>
        </Card>
      )}
    </div>
  );
}
