import { Activity, Gauge, KeyRound, Timer, Users } from 'lucide-react';
import { StatusBadge } from '@/components/status-badge';
import { Stat } from '@/components/stat';
import { ThroughputChart } from '@/components/throughput-chart';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatAgo, formatCount, formatDuration, formatRate, formatTime } from '@/lib/format';
import type { LiveSnapshot, Severity } from '@/lib/types';

const WORST: Severity[] = ['emergency', 'critical', 'warning', 'info'];

export function OverviewView({ snapshot }: { snapshot: LiveSnapshot }) {
  const { health, queue, throughput } = snapshot;
  const zoho = health.zoho_api;
  const worst = WORST.find((level) => health.alerts.some((a) => a.severity === level));
  const expiresIn = zoho.token_expires_in;

  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="overview">
      <Card className="md:col-span-2 xl:col-span-3">
        <CardHeader className="flex-row items-center justify-between">
          <div className="flex flex-col gap-1">
            <CardTitle className="flex items-center gap-2">
              Overall status <StatusBadge status={health.status} />
            </CardTitle>
            <CardDescription>Checked {formatTime(health.checked_at)}</CardDescription>
          </div>
          <span className="text-sm text-muted-foreground" data-testid="alert-summary">
            {health.alerts.length === 0 ? 'No alerts' : `${health.alerts.length} alert${health.alerts.length === 1 ? '' : 's'}, worst: ${worst}`}
          </span>
        </CardHeader>
        {health.alerts.length > 0 && (
          <CardContent>
            <ul className="flex flex-col gap-2">
              {health.alerts.map((alert) => (
                <li key={alert.code} className="flex items-start gap-2 text-sm">
                  <StatusBadge status={alert.severity} className="mt-0.5" />
                  <div className="flex flex-col gap-0.5">
                    <span className="font-medium">{alert.message}</span>
                    <span className="text-xs text-muted-foreground">{alert.remediation}</span>
                  </div>
                </li>
              ))}
            </ul>
          </CardContent>
        )}
      </Card>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Activity className="size-4" /> Queue
          </CardTitle>
          <CardDescription>Items by status, across every worker process</CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-3 gap-4">
          <Stat label="Pending" value={formatCount(queue.pending)} testId="queue-pending" hint={`${formatCount(queue.ready)} ready`} />
          <Stat label="Processing" value={formatCount(queue.processing)} testId="queue-processing" />
          <Stat label="Retrying" value={formatCount(queue.retrying)} testId="queue-retrying" />
          <Stat label="Failed" value={formatCount(queue.failed)} testId="queue-failed" tone={queue.failed > 0 ? 'warn' : undefined} />
          <Stat label="Completed (24 h)" value={formatCount(queue.completed_last_24h)} testId="queue-completed-24h" />
          <Stat label="Dead letters open" value={formatCount(queue.dead_letters_open)} testId="queue-dead-letters" tone={queue.dead_letters_open > 0 ? 'bad' : undefined} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Gauge className="size-4" /> Processing rate
          </CardTitle>
          <CardDescription>
            <span data-testid="processing-rate">{formatRate(health.workers.processing_rate)}</span> items/min (last 5 min)
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ThroughputChart minutes={throughput} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Timer className="size-4" /> Sync delay
          </CardTitle>
          <CardDescription>How far behind Zoho the copy may be</CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-3 gap-4">
          <Stat
            label="Oldest pending"
            value={formatDuration(health.sync_delay.oldest_pending_seconds)}
            testId="sync-delay"
            tone={health.sync_delay.oldest_pending_seconds > 300 ? 'bad' : undefined}
          />
          <Stat label="p50 (24 h)" value={formatDuration(health.sync_delay.p50_seconds)} />
          <Stat label="p95 (24 h)" value={formatDuration(health.sync_delay.p95_seconds)} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Users className="size-4" /> Workers
          </CardTitle>
          <CardDescription>
            {health.workers.status}, last heartbeat {formatAgo(health.workers.last_heartbeat_at, Date.parse(health.checked_at))}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-3 gap-4">
          <Stat label="Alive" value={formatCount(health.workers.alive)} testId="workers-alive" />
          <Stat label="Crashed" value={formatCount(health.workers.crashed)} tone={health.workers.crashed > 0 ? 'bad' : undefined} />
          <Stat label="Known" value={formatCount(health.workers.known)} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <KeyRound className="size-4" /> Zoho API
          </CardTitle>
          <CardDescription>
            {!zoho.credential_valid
              ? `Credential refused (${zoho.credential_error?.reason ?? 'unknown'}): re-authorize TDS in Zoho`
              : zoho.credential_state === 'refresh_failed'
                ? `Last token refresh refused (${zoho.refresh_refused?.reason ?? 'unknown'}); the stored token still works until it expires`
                : zoho.token_valid
                ? 'Access token valid'
                : 'No valid access token yet'}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid grid-cols-3 gap-4">
          <Stat
            label="Token expires in"
            value={expiresIn === null ? '—' : formatDuration(expiresIn)}
            testId="token-expiry"
            tone={!zoho.credential_valid ? 'bad' : zoho.credential_state === 'refresh_failed' ? 'warn' : undefined}
          />
          <Stat
            label="Rate budget left"
            value={`${formatCount(zoho.rate_limit_remaining)} / ${formatCount(zoho.rate_limit_per_minute)}`}
            hint="requests this minute"
            testId="rate-budget"
          />
          <Stat
            label="Daily quota left"
            value={zoho.daily_quota ? `${formatCount(zoho.daily_quota.remaining)} / ${formatCount(zoho.daily_quota.limit)}` : '—'}
            hint={zoho.daily_quota ? `resets ${formatTime(zoho.daily_quota.reset_at)}` : 'not reported by Zoho yet'}
            testId="daily-quota"
          />
        </CardContent>
      </Card>

      <Card className="md:col-span-2 xl:col-span-3">
        <CardHeader>
          <CardTitle>Waiting per entity</CardTitle>
        </CardHeader>
        <CardContent>
          {queue.by_entity.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing is waiting.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Entity</TableHead>
                  <TableHead className="text-right">Pending</TableHead>
                  <TableHead className="text-right">Processing</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {queue.by_entity.map((row) => (
                  <TableRow key={row.entity_type}>
                    <TableCell>{row.entity_type}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(row.pending)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(row.processing)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
