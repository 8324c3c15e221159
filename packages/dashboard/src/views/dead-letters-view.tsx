import { FileJson, RefreshCw, RotateCcw } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { BidiText } from '@/components/bidi-text';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { Textarea } from '@/components/ui/textarea';
import { useAsync } from '@/hooks/use-async';
import type { ApiClient } from '@/lib/api-client';
import { formatAgo, formatCount, formatTime } from '@/lib/format';
import { recordLabel } from '@/lib/record-label';
import { ENTITIES, type DeadLetter } from '@/lib/types';

/**
 * Dead letters: filter by entity, read the payload and error of each, retry one or all, resolve
 * with a note. `liveVersion` changes whenever the live snapshot's dead-letter counts change.
 */
export function DeadLettersView({ client, liveVersion }: { client: ApiClient; liveVersion: string }) {
  const [entity, setEntity] = useState('');
  const [includeResolved, setIncludeResolved] = useState(false);
  const { data, error, loading, reload } = useAsync(() => client.deadLetters({ entity: entity || undefined, includeResolved }), [client, entity, includeResolved]);
  const [gone, setGone] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [details, setDetails] = useState<DeadLetter | null>(null);
  const [resolving, setResolving] = useState<DeadLetter | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);

  const firstLive = useRef(true);
  useEffect(() => {
    if (firstLive.current) firstLive.current = false;
    else reload();
  }, [liveVersion, reload]);
  useEffect(() => setGone(new Set()), [data]);

  const items = (data ?? []).filter((d) => !gone.has(d.id));
  const open = (d: DeadLetter) => d.resolved_at === null && d.retried_at === null;

  async function act(label: string, run: () => Promise<unknown>, removes: string[]) {
    setMessage(null);
    try {
      await run();
      if (!includeResolved) setGone((g) => new Set([...g, ...removes]));
      setMessage({ tone: 'ok', text: label });
    } catch (e) {
      setMessage({ tone: 'bad', text: e instanceof Error ? e.message : String(e) });
    } finally {
      reload();
    }
  }

  const retry = (d: DeadLetter) => act(`Dead letter ${d.id} is back in the queue`, () => client.retryDeadLetter(d.id), [d.id]);
  const retryAll = () =>
    act(
      'Every open dead letter is back in the queue',
      async () => {
        const { retried } = await client.retryDeadLetter('all');
        return retried;
      },
      items.map((d) => d.id),
    );

  return (
    <Card data-testid="dead-letters">
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-2">
        <div className="flex flex-col gap-1">
          <CardTitle>Dead-letter queue</CardTitle>
          <CardDescription>
            <span data-testid="dlq-count">{formatCount(items.length)}</span> {includeResolved ? 'entries' : 'open'}; each one is a record that could not be applied
          </CardDescription>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Label>
            Entity
            <NativeSelect value={entity} onChange={(e) => setEntity(e.target.value)} data-testid="dlq-entity-filter">
              <option value="">all</option>
              {ENTITIES.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </NativeSelect>
          </Label>
          <Label>
            <input type="checkbox" checked={includeResolved} onChange={(e) => setIncludeResolved(e.target.checked)} className="size-4" />
            Show resolved and retried
          </Label>
          <Button variant="outline" size="sm" onClick={reload} disabled={loading}>
            <RefreshCw className={loading ? 'animate-spin' : undefined} /> Refresh
          </Button>
          <Button size="sm" disabled={!items.some(open)} onClick={() => setConfirmAll(true)} data-testid="dlq-retry-all">
            <RotateCcw /> Retry all
          </Button>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {error && <Alert variant="destructive">Could not read the dead letters: {error}</Alert>}
        {message && (
          <Alert variant={message.tone === 'bad' ? 'destructive' : 'default'} data-testid="dlq-message">
            {message.text}
          </Alert>
        )}
        {items.length === 0 && !loading ? (
          <p className="py-6 text-center text-sm text-muted-foreground" data-testid="dlq-empty">
            No dead letters{entity ? ` for ${entity}` : ''}.
          </p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>#</TableHead>
                <TableHead>Record</TableHead>
                <TableHead>Error</TableHead>
                <TableHead>Failed</TableHead>
                <TableHead className="text-right">Tries</TableHead>
                <TableHead>State</TableHead>
                <TableHead className="text-right">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((d) => {
                const label = recordLabel(d.payload);
                return (
                  <TableRow key={d.id} data-testid={`dlq-row-${d.id}`}>
                    <TableCell className="tabular-nums">{d.id}</TableCell>
                    <TableCell>
                      <div className="flex flex-col gap-0.5">
                        <span className="text-xs text-muted-foreground">
                          {d.entity_type} {d.operation} · {d.zoho_id}
                        </span>
                        {label.name && <BidiText className="font-medium">{label.name}</BidiText>}
                        {label.arabicName && <BidiText className="text-sm">{label.arabicName}</BidiText>}
                      </div>
                    </TableCell>
                    <TableCell className="max-w-80">
                      <span className="line-clamp-2 text-xs" title={d.error}>
                        {d.error}
                      </span>
                    </TableCell>
                    <TableCell title={formatTime(d.failed_at)} className="text-xs whitespace-nowrap">
                      {formatAgo(d.failed_at)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{d.retry_count}</TableCell>
                    <TableCell>
                      {d.resolved_at ? <Badge variant="secondary">resolved</Badge> : d.retried_at ? <Badge variant="outline">retried</Badge> : <Badge variant="destructive">open</Badge>}
                    </TableCell>
                    <TableCell className="text-right">
                      <div className="flex justify-end gap-1.5">
                        <Button size="sm" variant="ghost" onClick={() => setDetails(d)} data-testid={`dlq-details-${d.id}`}>
                          <FileJson /> Details
                        </Button>
                        <Button size="sm" variant="outline" disabled={!open(d)} onClick={() => void retry(d)} data-testid={`dlq-retry-${d.id}`}>
                          Retry
                        </Button>
                        <Button size="sm" variant="outline" disabled={!open(d)} onClick={() => setResolving(d)} data-testid={`dlq-resolve-${d.id}`}>
                          Resolve
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </CardContent>

      <Dialog open={details !== null} onOpenChange={(o) => !o && setDetails(null)}>
        <DialogContent>
          {details && (
            <>
              <DialogHeader>
                <DialogTitle>
                  Dead letter {details.id}: {details.entity_type} {details.zoho_id}
                </DialogTitle>
                <DialogDescription>
                  Failed {formatTime(details.failed_at)} after {details.retry_count} tries ({details.source ?? 'unknown source'})
                  {details.resolution_note && `; resolved: ${details.resolution_note}`}
                </DialogDescription>
              </DialogHeader>
              <section className="flex flex-col gap-1">
                <h4 className="text-sm font-medium">Error</h4>
                <pre className="rounded-md bg-muted p-3 text-xs whitespace-pre-wrap" data-testid="dlq-details-error">
                  {details.error}
                </pre>
              </section>
              <section className="flex flex-col gap-1">
                <h4 className="text-sm font-medium">Payload</h4>
                <pre dir="auto" className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs" data-testid="dlq-details-payload">
                  {JSON.stringify(details.payload, null, 2)}
                </pre>
              </section>
            </>
          )}
        </DialogContent>
      </Dialog>

      <ResolveDialog
        item={resolving}
        onClose={() => setResolving(null)}
        onResolve={async (d, note) => {
          setResolving(null);
          await act(`Dead letter ${d.id} is resolved`, () => client.resolveDeadLetter(d.id, note), [d.id]);
        }}
      />

      <Dialog open={confirmAll} onOpenChange={setConfirmAll}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Retry every open dead letter?</DialogTitle>
            <DialogDescription>Each one goes back into the queue and the workers try it again; the ones that still fail come back here.</DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button
              data-testid="dlq-retry-all-confirm"
              onClick={() => {
                setConfirmAll(false);
                void retryAll();
              }}
            >
              Retry all
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

function ResolveDialog({ item, onClose, onResolve }: { item: DeadLetter | null; onClose: () => void; onResolve: (d: DeadLetter, note: string) => Promise<void> }) {
  const [note, setNote] = useState('');
  useEffect(() => setNote(''), [item]);
  const valid = note.trim() !== '' && note.length <= 2000;
  return (
    <Dialog open={item !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        {item && (
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (valid) void onResolve(item, note.trim());
            }}
          >
            <DialogHeader>
              <DialogTitle>Resolve dead letter {item.id}</DialogTitle>
              <DialogDescription>It leaves the open list without being retried. Say how it was resolved: the note is kept with it.</DialogDescription>
            </DialogHeader>
            <Textarea value={note} onChange={(e) => setNote(e.target.value)} placeholder="Fixed in Zoho by hand; no need to re-apply" maxLength={2000} aria-label="Resolution note" data-testid="dlq-resolve-note" autoFocus />
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="outline">Cancel</Button>
              </DialogClose>
              <Button type="submit" disabled={!valid} data-testid="dlq-resolve-confirm">
                Resolve
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
