import { RefreshCw } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { OutcomeBadge, StatusBadge } from '@/components/status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { useAsync } from '@/hooks/use-async';
import type { ApiClient } from '@/lib/api-client';
import { formatAgo, formatTime } from '@/lib/format';
import type { HealAction, StoredAlert } from '@/lib/types';

function AlertList({ alerts, empty, testId }: { alerts: StoredAlert[]; empty: string; testId: string }) {
  if (alerts.length === 0) return <p className="text-sm text-muted-foreground" data-testid={`${testId}-empty`}>{empty}</p>;
  return (
    <ul className="flex flex-col divide-y" data-testid={testId}>
      {alerts.map((a) => (
        <li key={a.id} className="flex flex-col gap-1 py-3" data-testid={`alert-${a.code}`}>
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={a.severity} />
            <span className="font-medium">{a.message}</span>
            <code className="text-xs text-muted-foreground">{a.code}</code>
            {a.component && <span className="text-xs text-muted-foreground">· {a.component}</span>}
          </div>
          {a.remediation && <p className="text-sm">What to do: {a.remediation}</p>}
          {a.evidence.length > 0 && (
            <ul className="list-disc pl-5 text-xs text-muted-foreground">
              {a.evidence.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
          <span className="text-xs text-muted-foreground" title={formatTime(a.created_at)}>
            since {formatAgo(a.created_at)}
            {a.resolved_at && `, resolved ${formatAgo(a.resolved_at)}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  const text = typeof details === 'string' ? details : JSON.stringify(details);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function HealLog({ actions }: { actions: HealAction[] }) {
  if (actions.length === 0) return <p className="text-sm text-muted-foreground" data-testid="heal-log-empty">The healer has not had to act.</p>;
  return (
    <Table data-testid="heal-log">
      <TableHeader>
        <TableRow>
          <TableHead>When</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Target</TableHead>
          <TableHead>Outcome</TableHead>
          <TableHead>Details</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {actions.map((a) => (
          <TableRow key={a.id}>
            <TableCell className="text-xs whitespace-nowrap" title={formatTime(a.created_at)}>
              {formatAgo(a.created_at)}
            </TableCell>
            <TableCell className="font-medium">{a.action}</TableCell>
            <TableCell className="text-xs">{a.target ?? '—'}</TableCell>
            <TableCell>
              <OutcomeBadge outcome={a.outcome} />
            </TableCell>
            <TableCell className="max-w-96 font-mono text-xs break-all text-muted-foreground">{detailsText(a.details)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Open and recently resolved alerts, and what the healer did. `liveVersion` changes when the live alert set does. */
export function AlertsView({ client, liveVersion }: { client: ApiClient; liveVersion: string }) {
  const alerts = useAsync(() => client.alerts(), [client]);
  const heal = useAsync(() => client.healLog(), [client]);
  const first = useRef(true);
  const { reload: reloadAlerts } = alerts;
  const { reload: reloadHeal } = heal;

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reloadAlerts();
    reloadHeal();
  }, [liveVersion, reloadAlerts, reloadHeal]);

  const refresh = () => {
    reloadAlerts();
    reloadHeal();
  };

  return (
    <div className="grid gap-4 xl:grid-cols-2" data-testid="alerts">
      <Card>
        <CardHeader className="flex-row items-center justify-between">
          <div className="flex flex-col gap-1">
            <CardTitle>Open alerts</CardTitle>
            <CardDescription>One per condition, worst first</CardDescription>
          </div>
          <Button variant="outline" size="sm" onClick={refresh}>
            <RefreshCw className={alerts.loading || heal.loading ? 'animate-spin' : undefined} /> Refresh
          </Button>
        </CardHeader>
        <CardContent>
          {alerts.error && <Alert variant="destructive">Could not read the alerts: {alerts.error}</Alert>}
          <AlertList alerts={alerts.data?.open ?? []} empty="No open alerts." testId="open-alerts" />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Resolved in the last 7 days</CardTitle>
        </CardHeader>
        <CardContent>
          <AlertList alerts={alerts.data?.resolved ?? []} empty="Nothing resolved lately." testId="resolved-alerts" />
        </CardContent>
      </Card>
      <Card className="xl:col-span-2">
        <CardHeader>
          <CardTitle>Heal log</CardTitle>
          <CardDescription>What the healer did on its own, newest first</CardDescription>
        </CardHeader>
        <CardContent>
          {heal.error && <Alert variant="destructive">Could not read the heal log: {heal.error}</Alert>}
          <HealLog actions={heal.data ?? []} />
        </CardContent>
      </Card>
    </div>
  );
}
