import { OutcomeBadge } from '@/components/status-badge';
import { Progress } from '@/components/ui/progress';
import { formatCount, formatDuration, formatRate } from '@/lib/format';
import type { SyncRun } from '@/lib/types';

/** How far one entity of a background sync run has got: phase, records, rate, ETA. */
export function RunProgress({ run, entity }: { run: SyncRun; entity: string }) {
  const progress = run.progress[entity];
  const finished = run.status !== 'running';
  const phase = progress?.phase ?? (finished ? (run.status === 'succeeded' ? 'done' : 'failed') : 'starting');
  const elapsed = (Date.now() - Date.parse(run.startedAt)) / 1000;
  const eta = progress?.etaSeconds ?? null;
  const pct = phase === 'done' || phase === 'failed' ? 100 : eta !== null && eta >= 0 ? (elapsed / (elapsed + eta)) * 100 : null;
  return (
    <div className="flex flex-col gap-1.5" data-testid={`run-progress-${entity}`}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
        <span className="font-medium">
          {run.mode} sync: <span data-testid={`run-phase-${entity}`}>{phase}</span>
        </span>
        <OutcomeBadge outcome={run.status} />
        <span className="text-muted-foreground">
          {formatCount(progress?.records ?? 0)} records, {formatCount(progress?.pages ?? 0)} pages
          {progress?.ratePerMinute != null && `, ${formatRate(progress.ratePerMinute)}/min`}
          {eta !== null && !finished && `, about ${formatDuration(eta)} left`}
        </span>
      </div>
      <Progress value={pct} className={phase === 'failed' ? '[&>div]:bg-destructive' : undefined} />
      {run.status === 'failed' && run.error && <p className="text-xs text-destructive">{run.error}</p>}
    </div>
  );
}
