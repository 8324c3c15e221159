import type { ReactNode } from 'react';
import { cn } from '@/lib/utils';

/** One labelled number; `testId` lets the end-to-end test read exactly this value. */
export function Stat({ label, value, hint, testId, tone }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string; tone?: 'bad' | 'warn' }) {
  return (
    <div className="flex flex-col gap-0.5">
      <span className="text-xs text-muted-foreground">{label}</span>
      <span
        data-testid={testId}
        className={cn('text-xl font-semibold tabular-nums', tone === 'bad' && 'text-destructive', tone === 'warn' && 'text-amber-600')}
      >
        {value}
      </span>
      {hint !== undefined && <span className="text-xs text-muted-foreground">{hint}</span>}
    </div>
  );
}
