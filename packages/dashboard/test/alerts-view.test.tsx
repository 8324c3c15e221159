import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AlertsView } from '../src/views/alerts-view';
import { fakeClient } from './fixtures';

describe('AlertsView', () => {
  it('shows open alerts with what to do, resolved ones, and the heal log', async () => {
    const client = fakeClient({
      alerts: async () => ({
        open: [
          {
            id: '1',
            code: 'queue_backlog',
            severity: 'critical',
            message: 'the queue is 5000 items behind',
            component: 'queue',
            remediation: 'add workers',
            evidence: ['5000 pending', 'oldest 12 m'],
            created_at: '2026-11-29T11:00:00Z',
            resolved_at: null,
          },
        ],
        resolved: [
          { id: '2', code: 'workers_down', severity: 'emergency', message: 'no worker is alive', component: 'workers', remediation: null, evidence: [], created_at: '2026-11-28T11:00:00Z', resolved_at: '2026-11-28T11:05:00Z' },
        ],
      }),
      healLog: async () => [
        { id: '5', action: 'clear_stuck_locks', target: 'tds_sync_queue', outcome: 'success', details: { cleared: 2 }, created_at: '2026-11-29T11:59:00Z' },
        { id: '4', action: 'restart_worker_pool', target: 'pool-1', outcome: 'failure', details: { error: 'still stalled' }, created_at: '2026-11-29T11:58:00Z' },
      ],
    });
    render(<AlertsView client={client} liveVersion="" />);
    const open = await screen.findByTestId('alert-queue_backlog');
    expect(open.textContent).toContain('the queue is 5000 items behind');
    expect(open.textContent).toContain('What to do: add workers');
    expect(open.textContent).toContain('oldest 12 m');
    expect(open.querySelector('[data-status="critical"]')).toBeTruthy();
    expect(screen.getByTestId('resolved-alerts').textContent).toContain('no worker is alive');
    const log = await screen.findByTestId('heal-log');
    const rows = log.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('clear_stuck_locks');
    expect(rows[0].textContent).toContain('{"cleared":2}');
    expect(rows[1].textContent).toContain('failure');
  });

  it('says when there is nothing to show', async () => {
    render(<AlertsView client={fakeClient()} liveVersion="" />);
    expect(await screen.findByTestId('open-alerts-empty')).toBeTruthy();
    expect(await screen.findByTestId('heal-log-empty')).toBeTruthy();
  });
});
