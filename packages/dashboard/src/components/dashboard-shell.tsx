import { Activity, Bell, Database, FileSearch, Inbox, LogOut, ShieldCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import { StatusBadge } from '@/components/status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useLiveSnapshot } from '@/hooks/use-live-snapshot';
import type { ApiClient } from '@/lib/api-client';
import { formatCount } from '@/lib/format';
import { cn } from '@/lib/utils';
import { AlertsView } from '@/views/alerts-view';
import { DeadLettersView } from '@/views/dead-letters-view';
import { EntitiesView } from '@/views/entities-view';
import { OverviewView } from '@/views/overview-view';
import { RecordView } from '@/views/record-view';
import { VerifyView } from '@/views/verify-view';

const VIEWS = ['overview', 'entities', 'dead-letters', 'alerts', 'verify', 'record'] as const;
type View = (typeof VIEWS)[number];

const viewFromHash = (): View => {
  const hash = window.location.hash.slice(1);
  return (VIEWS as readonly string[]).includes(hash) ? (hash as View) : 'overview';
};

/** The signed-in dashboard: live header, six views as tabs (the tab is kept in the URL hash, the token never). */
export function DashboardShell({ client, onSignOut }: { client: ApiClient; onSignOut: () => void }) {
  const { snapshot, state, error } = useLiveSnapshot(client);
  const [view, setView] = useState<View>(viewFromHash);

  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const choose = (value: string) => {
    setView(value as View);
    window.history.replaceState(null, '', `#${value}`);
  };

  const dlqVersion = snapshot ? `${snapshot.queue.dead_letters}:${snapshot.queue.dead_letters_open}` : '';
  const alertsVersion = snapshot ? snapshot.health.alerts.map((a) => `${a.code}:${a.severity}`).join(',') : '';

  return (
    <div className="mx-auto flex min-h-screen max-w-7xl flex-col gap-4 p-4 md:p-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h1 className="text-lg font-semibold">TDS Dashboard</h1>
          {snapshot && <StatusBadge status={snapshot.health.status} />}
          <span className="flex items-center gap-1.5 text-xs text-muted-foreground" data-testid="live-state" data-state={state}>
            <span className={cn('size-2 rounded-full', state === 'live' ? 'bg-success' : 'animate-pulse bg-warning')} />
            {state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…'}
          </span>
        </div>
        <Button variant="ghost" size="sm" onClick={onSignOut}>
          <LogOut /> Sign out
        </Button>
      </header>
      {error && state !== 'live' && <Alert variant="destructive">Live updates interrupted: {error}</Alert>}

      <Tabs value={view} onValueChange={choose}>
        <TabsList>
          <TabsTrigger value="overview">
            <Activity /> Overview
          </TabsTrigger>
          <TabsTrigger value="entities">
            <Database /> Entities
          </TabsTrigger>
          <TabsTrigger value="dead-letters">
            <Inbox /> Dead letters
            {snapshot && snapshot.queue.dead_letters_open > 0 && <span className="rounded bg-destructive px-1 text-xs text-white">{formatCount(snapshot.queue.dead_letters_open)}</span>}
          </TabsTrigger>
          <TabsTrigger value="alerts">
            <Bell /> Alerts &amp; healing
            {snapshot && snapshot.health.alerts.length > 0 && <span className="rounded bg-warning px-1 text-xs text-black">{snapshot.health.alerts.length}</span>}
          </TabsTrigger>
          <TabsTrigger value="verify">
            <ShieldCheck /> Verify
          </TabsTrigger>
          <TabsTrigger value="record">
            <FileSearch /> Record
            {snapshot?.health.change_webhook && snapshot.health.change_webhook.failures > 0 && <span className="rounded bg-destructive px-1 text-xs text-white">webhook</span>}
          </TabsTrigger>
        </TabsList>
        <TabsContent value="overview">
          {snapshot ? <OverviewView snapshot={snapshot} /> : <p className="p-6 text-sm text-muted-foreground">Waiting for the first live snapshot…</p>}
        </TabsContent>
        <TabsContent value="entities">
          <EntitiesView client={client} />
        </TabsContent>
        <TabsContent value="dead-letters">
          <DeadLettersView client={client} liveVersion={dlqVersion} />
        </TabsContent>
        <TabsContent value="alerts">
          <AlertsView client={client} liveVersion={alertsVersion} />
        </TabsContent>
        <TabsContent value="verify">
          <VerifyView client={client} />
        </TabsContent>
        <TabsContent value="record">
          <RecordView client={client} changeWebhook={snapshot?.health.change_webhook} />
        </TabsContent>
      </Tabs>
    </div>
  );
}
