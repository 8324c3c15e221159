import type { ThroughputMinute } from '@/lib/types';

const WIDTH = 600;
const HEIGHT = 120;

/** Items completed per minute (bars) with dead-lettered ones stacked in red, oldest minute on the left. */
export function ThroughputChart({ minutes }: { minutes: ThroughputMinute[] }) {
  const max = Math.max(1, ...minutes.map((m) => m.completed + m.dead_lettered));
  const slot = WIDTH / Math.max(1, minutes.length);
  const total = minutes.reduce((n, m) => n + m.completed, 0);
  const scale = (n: number) => (n / max) * (HEIGHT - 4);
  return (
    <figure className="flex flex-col gap-1">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="h-28 w-full"
        role="img"
        aria-label={`Items processed per minute over the last ${minutes.length} minutes: ${total} in total, at most ${max} in one minute`}
        data-testid="throughput-chart"
      >
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="stroke-border" strokeWidth={1} />
        {minutes.map((m, i) => {
          const done = scale(m.completed);
          const dead = scale(m.dead_lettered);
          return (
            <g key={m.minute} data-minute={m.minute}>
              <title>{`${m.minute.slice(11, 16)} UTC: ${m.completed} completed, ${m.dead_lettered} dead-lettered`}</title>
              {m.completed > 0 && <rect x={i * slot + 1} y={HEIGHT - done} width={Math.max(1, slot - 2)} height={done} className="fill-primary" />}
              {m.dead_lettered > 0 && (
                <rect x={i * slot + 1} y={HEIGHT - done - dead} width={Math.max(1, slot - 2)} height={dead} className="fill-destructive" />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="flex justify-between text-xs text-muted-foreground">
        <span>{minutes.length} min ago</span>
        <span>peak {max}/min</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
