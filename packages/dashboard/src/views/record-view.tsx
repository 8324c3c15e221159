import { Search } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { BidiText } from '@/components/bidi-text';
import { ChangeWebhookStatusLine } from '@/components/change-webhook-status';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { ApiClient } from '@/lib/api-client';
import { formatAgo, formatTime } from '@/lib/format';
import type { ChangeWebhookStatus, RecordMatch, RecordTrace, TraceEvent } from '@/lib/trace-types';

const KIND_LABEL: Record<TraceEvent['kind'], string> = {
  webhook: 'webhook',
  queue: 'queue item',
  change: 'version applied',
  dead_letter: 'dead letter',
  verify: 'verify',
};

/** One line saying what a timeline event was, in the words of docs/change-feed.md. */
export function describeEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'webhook':
      return `${e.method} ${e.event ?? ''} delivery: ${e.outcome === 'accepted' ? `accepted (queue item ${e.queue_item_id})` : e.outcome}${e.note ? ` — ${e.note}` : ''}`.replace('  ', ' ');
    case 'queue':
      return `${e.operation} from ${e.source}: ${e.status}, ${e.attempts} failed attempt(s) of ${e.max_retries}${e.last_error ? ` — ${e.last_error}` : ''}`;
    case 'change':
      return `${e.op}${e.id ? ` #${e.id}` : ' (not yet numbered)'}${e.zoho_last_modified_time ? ` at Zoho version ${e.zoho_last_modified_time}` : ''}: ${e.columns.join(', ')}`;
    case 'dead_letter':
      return `${e.operation} after ${e.attempts} attempt(s): ${e.error} — ${
        e.resolved_at ? `resolved${e.resolution_note ? `: ${e.resolution_note}` : ''}` : e.retried_at ? `retried ${formatAgo(e.retried_at)}` : 'open'
      }`;
    case 'verify':
      return `run ${e.run_id} (${e.entity}): ${e.result}${e.columns.length > 0 ? ` in ${e.columns.join(', ')}` : ''}`;
  }
}

const troubled = (e: TraceEvent) =>
  (e.kind === 'dead_letter' && !e.resolved_at) || (e.kind === 'queue' && (e.status === 'failed' || (e.status !== 'completed' && e.last_error !== null))) || (e.kind === 'verify' && e.result !== 'repaired') || (e.kind === 'webhook' && e.outcome === 'stale');

function Matches({ matches, selected, onSelect }: { matches: RecordMatch[]; selected: RecordMatch | null; onSelect: (m: RecordMatch) => void }) {
  if (matches.length === 0) return <p className="text-sm text-muted-foreground" data-testid="record-no-match">No record matches.</p>;
  return (
    <Table data-testid="record-matches">
      <TableHeader>
        <TableRow>
          <TableHead>Entity</TableHead>
          <TableHead>Zoho id</TableHead>
          <TableHead>Name / number</TableHead>
          <TableHead>SKU / party</TableHead>
          <TableHead>Matched</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {matches.map((m) => {
          const isSelected = selected?.entity === m.entity && selected.zoho_id === m.zoho_id;
          return (
            <TableRow key={`${m.entity}:${m.zoho_id}`} data-testid={`record-match-${m.entity}-${m.zoho_id}`} className={isSelected ? 'bg-muted' : 'cursor-pointer'} onClick={() => onSelect(m)}>
              <TableCell>{m.entity}</TableCell>
              <TableCell className="font-mono text-xs">{m.zoho_id}</TableCell>
              <TableCell>
                <BidiText>{m.label ?? '–'}</BidiText> {m.deleted && <Badge variant="outline">deleted</Badge>}
              </TableCell>
              <TableCell>
                <BidiText>{m.detail ?? ''}</BidiText>
              </TableCell>
              <TableCell className="text-xs text-muted-foreground">{m.matched.replace('_', ' ')}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function Timeline({ trace }: { trace: RecordTrace }) {
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm" data-testid="record-stored">
        {trace.stored ? (
          <>
            Stored as <BidiText>{trace.stored.name ?? trace.zoho_id}</BidiText>, Zoho version {formatTime(trace.stored.zoho_last_modified_time)}, last synced{' '}
            {formatAgo(trace.stored.last_synced_at)}
            {trace.stored.deleted_at && `, deleted ${formatAgo(trace.stored.deleted_at)}`}
          </>
        ) : (
          'Not stored in TDS.'
        )}
      </p>
      {trace.timeline.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="record-timeline-empty">
          TDS kept nothing about this record (the change feed keeps its retention window only).
        </p>
      ) : (
        <Table data-testid="record-timeline">
          <TableHeader>
            <TableRow>
              <TableHead>When</TableHead>
              <TableHead>What</TableHead>
              <TableHead>Details</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {trace.timeline.map((e, i) => (
              <TableRow key={i} data-testid="record-event" data-kind={e.kind}>
                <TableCell className="text-xs whitespace-nowrap" title={formatTime(e.at)}>
                  {formatTime(e.at)}
                </TableCell>
                <TableCell>
                  <Badge variant={troubled(e) ? 'destructive' : e.kind === 'change' ? 'success' : 'secondary'}>{KIND_LABEL[e.kind]}</Badge>
                </TableCell>
                <TableCell className="text-xs break-all" dir="auto">
                  {describeEvent(e)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

/**
 * The Record view (docs/change-feed.md, "Trace one record"): search by Zoho id, SKU, invoice/bill
 * number or name, choose a record, and read its timeline — webhook deliveries, queue items with
 * attempts and errors, versions applied with the columns they changed, dead letters, verify results.
 * Above it, the outgoing change webhook's delivery status from the live health.
 */
export function RecordView({ client, changeWebhook }: { client: ApiClient; changeWebhook: ChangeWebhookStatus | undefined }) {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<RecordMatch[] | null>(null);
  const [selected, setSelected] = useState<RecordMatch | null>(null);
  const [trace, setTrace] = useState<RecordTrace | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const open = async (match: RecordMatch) => {
    setSelected(match);
    setTrace(null);
    setProblem(null);
    try {
      setTrace(await client.trace(match.entity, match.zoho_id));
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (query.trim() === '') return;
    setBusy(true);
    setProblem(null);
    setSelected(null);
    setTrace(null);
    try {
      const found = await client.searchRecords(query.trim());
      setMatches(found);
      if (found.length === 1) await open(found[0]!);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid gap-4" data-testid="record">
      <Card>
        <CardHeader>
          <CardTitle>Change webhook</CardTitle>
          <CardDescription>The change feed POSTed to TDS_CHANGES_WEBHOOK_URL, batch by batch in order</CardDescription>
        </CardHeader>
        <CardContent>
          <ChangeWebhookStatusLine status={changeWebhook} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Trace a record</CardTitle>
          <CardDescription>Zoho id, SKU, invoice or bill number, or part of a name</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <form className="flex gap-2" onSubmit={(e) => void search(e)}>
            <Input aria-label="Search records" placeholder="e.g. 4815000000123, BP-001, INV-000123, brake pad" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="record-search" />
            <Button type="submit" variant="outline" disabled={busy || query.trim() === ''} data-testid="record-search-submit">
              <Search /> Search
            </Button>
          </form>
          {problem && <Alert variant="destructive">{problem}</Alert>}
          {matches && <Matches matches={matches} selected={selected} onSelect={(m) => void open(m)} />}
        </CardContent>
      </Card>
      {selected && (
        <Card>
          <CardHeader>
            <CardTitle>
              {selected.entity} {selected.zoho_id}
            </CardTitle>
            <CardDescription>Everything TDS recorded about this record, oldest first</CardDescription>
          </CardHeader>
          <CardContent>{trace ? <Timeline trace={trace} /> : !problem && <p className="text-sm text-muted-foreground">Loading…</p>}</CardContent>
        </Card>
      )}
    </div>
  );
}
