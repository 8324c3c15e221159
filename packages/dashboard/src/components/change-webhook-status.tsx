import { Badge } from '@/components/ui/badge';
import { formatAgo, formatCount, formatTime } from '@/lib/format';
import type { ChangeWebhookStatus } from '@/lib/trace-types';

/**
 * The outgoing change webhook's delivery (health's change_webhook, docs/change-feed.md): failing
 * while its current batch keeps being refused (it is retried, never skipped), behind while changes
 * wait, else delivered. Not configured when health has no change_webhook.
 */
export function ChangeWebhookStatusLine({ status }: { status: ChangeWebhookStatus | undefined }) {
  if (!status) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="change-webhook" data-state="off">
        No change webhook is configured (TDS_CHANGES_WEBHOOK_URL).
      </p>
    );
  }
  const state = status.failures > 0 ? 'failing' : (status.lag ?? 0) > 0 ? 'behind' : 'delivered';
  return (
    <div className="flex flex-col gap-1 text-sm" data-testid="change-webhook" data-state={state}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge variant={state === 'failing' ? 'destructive' : state === 'behind' ? 'warning' : 'success'}>{state}</Badge>
        <span>
          cursor {status.cursor ?? '–'}, {formatCount(status.lag)} change(s) waiting
          {status.delivered_at && (
            <>
              , last moved <span title={formatTime(status.delivered_at)}>{formatAgo(status.delivered_at)}</span>
            </>
          )}
        </span>
      </div>
      {status.failures > 0 && (
        <p className="text-destructive" data-testid="change-webhook-error">
          {formatCount(status.failures)} failed attempt(s) at the current batch{status.last_error_at && ` (last ${formatAgo(status.last_error_at)})`}: {status.last_error}
        </p>
      )}
    </div>
  );
}
