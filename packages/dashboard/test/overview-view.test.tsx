import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OverviewView } from '../src/views/overview-view';
import { snapshotFixture } from './fixtures';

const text = (testId: string) => screen.getByTestId(testId).textContent;

describe('OverviewView', () => {
  it('shows the queue, rate, delay, workers, token, budget and quota of the snapshot', () => {
    render(<OverviewView snapshot={snapshotFixture()} />);
    expect(text('queue-pending')).toBe('1,234');
    expect(text('queue-processing')).toBe('3');
    expect(text('queue-retrying')).toBe('5');
    expect(text('queue-failed')).toBe('2');
    expect(text('queue-completed-24h')).toBe('56,789');
    expect(text('queue-dead-letters')).toBe('4');
    expect(text('processing-rate')).toBe('41.5');
    expect(text('sync-delay')).toBe('4 m 12 s');
    expect(text('workers-alive')).toBe('2');
    expect(text('token-expiry')).toBe('59 m 0 s');
    expect(text('rate-budget')).toBe('97 / 100');
    expect(text('daily-quota')).toBe('8,765 / 10,000');
    expect(text('alert-summary')).toBe('1 alert, worst: warning');
    expect(screen.getByText('4 dead letters are unresolved')).toBeTruthy();
  });

  it('draws one chart column per minute of the last hour', () => {
    render(<OverviewView snapshot={snapshotFixture()} />);
    const chart = screen.getByTestId('throughput-chart');
    expect(chart.querySelectorAll('g[data-minute]')).toHaveLength(60);
    // 42 completed in the last minute is the peak; one minute had a dead letter (red).
    expect(chart.getAttribute('aria-label')).toMatch(/at most 42 in one minute/);
    expect(chart.querySelectorAll('rect.fill-destructive')).toHaveLength(1);
  });

  it('says plainly when Zoho refused the credential and when no quota is known', () => {
    const snapshot = snapshotFixture();
    snapshot.health.zoho_api = { ...snapshot.health.zoho_api, credential_valid: false, credential_error: { reason: 'invalid_code', at: null }, daily_quota: null, daily_quota_remaining: null };
    snapshot.health.alerts = [];
    render(<OverviewView snapshot={snapshot} />);
    expect(screen.getByText(/Credential refused \(invalid_code\)/)).toBeTruthy();
    expect(text('daily-quota')).toBe('—');
    expect(screen.getByText('not reported by Zoho yet')).toBeTruthy();
    expect(text('alert-summary')).toBe('No alerts');
  });

  it('tells a refused refresh while the stored token still works apart from a refused credential', () => {
    const snapshot = snapshotFixture();
    snapshot.health.zoho_api = { ...snapshot.health.zoho_api, credential_valid: true, credential_error: null, credential_state: 'refresh_failed', refresh_refused: { reason: 'invalid_client', at: null } };
    render(<OverviewView snapshot={snapshot} />);
    expect(screen.getByText(/Last token refresh refused \(invalid_client\); the stored token still works/)).toBeTruthy();
    expect(screen.queryByText(/Credential refused/)).toBeNull();
    expect(text('token-expiry')).toBe('59 m 0 s');
  });
});
