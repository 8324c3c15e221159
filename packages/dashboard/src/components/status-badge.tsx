import { Badge } from '@/components/ui/badge';
import type { HealthStatus, Severity } from '@/lib/types';

const VARIANT = {
  healthy: 'success',
  info: 'secondary',
  warning: 'warning',
  critical: 'destructive',
  emergency: 'destructive',
} as const;

export function StatusBadge({ status, className }: { status: HealthStatus | Severity; className?: string }) {
  return (
    <Badge variant={VARIANT[status] ?? 'outline'} className={className} data-status={status}>
      {status === 'emergency' ? 'EMERGENCY' : status}
    </Badge>
  );
}

const OUTCOME = { success: 'success', failure: 'destructive', noop: 'secondary', succeeded: 'success', failed: 'destructive', running: 'secondary', cancelled: 'outline' } as const;

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge variant={OUTCOME[outcome as keyof typeof OUTCOME] ?? 'outline'}>{outcome}</Badge>;
}
