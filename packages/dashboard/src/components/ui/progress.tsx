import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

/** A bar filled to `value` percent, or an indeterminate stripe when value is null. */
export function Progress({ className, value, ...props }: ComponentProps<'div'> & { value: number | null }) {
  const pct = value === null ? null : Math.min(100, Math.max(0, value));
  return (
    <div
      data-slot="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      className={cn('relative h-2 w-full overflow-hidden rounded-full bg-primary/15', className)}
      {...props}
    >
      <div className={cn('h-full bg-primary transition-all', pct === null && 'w-1/3 animate-pulse')} style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
