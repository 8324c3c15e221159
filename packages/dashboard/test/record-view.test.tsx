import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RecordMatch, RecordTrace } from '../src/lib/trace-types';
import { describeEvent, RecordView } from '../src/views/record-view';
import { fakeClient } from './fixtures';

const brakePad: RecordMatch = { entity: 'products', zoho_id: '4815000000123', label: 'وسادة فرامل', detail: 'BP-001', deleted: false, matched: 'number' };
const customer: RecordMatch = { entity: 'customers', zoho_id: '7001', label: 'Ahmed Brake', detail: 'Basra Parts', deleted: true, matched: 'name' };

const trace: RecordTrace = {
  entity: 'products',
  zoho_id: brakePad.zoho_id,
  stored: { name: 'وسادة فرامل', zoho_last_modified_time: '2026-11-29T10:00:00.000Z', last_synced_at: '2026-11-29T10:00:03.000Z', deleted_at: null },
  timeline: [
    { at: '2026-11-29T09:59:00.000Z', kind: 'webhook', id: '31', outcome: 'accepted', method: 'POST', event: 'upsert', queue_item_id: '55', note: null },
    { at: '2026-11-29T09:59:00.500Z', kind: 'webhook', id: '32', outcome: 'stale', method: 'POST', event: 'upsert', queue_item_id: null, note: 'stale: a newer version of the record is already stored; not queued' },
    { at: '2026-11-29T09:59:01.000Z', kind: 'queue', id: '55', operation: 'upsert', source: 'webhook', status: 'completed', attempts: 2, max_retries: 5, last_error: 'Zoho answered 503', completed_at: '2026-11-29T10:00:03.000Z' },
    { at: '2026-11-29T10:00:03.000Z', kind: 'change', id: '1042', op: 'update', columns: ['stock', 'unit_price'], zoho_last_modified_time: '2026-11-29T10:00:00.000Z' },
    { at: '2026-11-29T10:05:00.000Z', kind: 'dead_letter', id: '9', operation: 'upsert', error: 'refused for good', attempts: 5, resolved_at: '2026-11-29T11:00:00.000Z', resolution_note: 'checked by hand', retried_at: null },
    { at: '2026-11-29T12:00:00.000Z', kind: 'verify', run_id: '7', entity: 'products', result: 'drifted', columns: ['unit_price'] },
  ],
};

describe('RecordView', () => {
  it('searches, opens the only match at once, and shows its timeline with every kind of event', async () => {
    const client = fakeClient({ searchRecords: async () => [brakePad], trace: async () => trace });
    render(<RecordView client={client} changeWebhook={undefined} />);
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: '  BP-001 ' } });
    fireEvent.click(screen.getByTestId('record-search-submit'));

    const rows = await screen.findAllByTestId('record-event');
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual(['webhook', 'webhook', 'queue', 'change', 'dead_letter', 'verify']);
    const text = rows.map((r) => r.textContent);
    expect(text[0]).toContain('accepted (queue item 55)');
    expect(text[1]).toContain('stale');
    expect(text[2]).toContain('completed, 2 failed attempt(s) of 5 — Zoho answered 503');
    expect(text[3]).toContain('update #1042 at Zoho version 2026-11-29T10:00:00.000Z: stock, unit_price');
    expect(text[4]).toContain('resolved: checked by hand');
    expect(text[5]).toContain('drifted in unit_price');
    expect(screen.getByTestId('record-stored').textContent).toContain('وسادة فرامل');
    expect(client.calls.filter(([name]) => name === 'searchRecords' || name === 'trace')).toEqual([
      ['searchRecords', 'BP-001'],
      ['trace', 'products', '4815000000123'],
    ]);
  });

  it('lists several matches and traces the one chosen; says so when nothing matches or nothing was kept', async () => {
    let results = [brakePad, customer];
    const client = fakeClient({ searchRecords: async () => results });
    render(<RecordView client={client} changeWebhook={undefined} />);
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'brake' } });
    fireEvent.click(screen.getByTestId('record-search-submit'));
    const match = await screen.findByTestId('record-match-customers-7001');
    expect(match.textContent).toContain('deleted');
    expect(screen.queryByTestId('record-timeline')).toBeNull();
    fireEvent.click(match);
    expect((await screen.findByTestId('record-timeline-empty')).textContent).toContain('kept nothing');
    expect(screen.getByTestId('record-stored').textContent).toBe('Not stored in TDS.');
    expect(client.calls.filter(([name]) => name === 'trace')).toEqual([['trace', 'customers', '7001']]);

    results = [];
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'nothing' } });
    fireEvent.click(screen.getByTestId('record-search-submit'));
    expect(await screen.findByTestId('record-no-match')).toBeTruthy();
  });

  it('shows why a search failed', async () => {
    const client = fakeClient({
      searchRecords: async () => {
        throw new Error('a search is 1-100 characters');
      },
    });
    render(<RecordView client={client} changeWebhook={undefined} />);
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'x' } });
    fireEvent.click(screen.getByTestId('record-search-submit'));
    expect((await screen.findByText(/1-100 characters/)).textContent).toContain('1-100');
  });

  it("shows the change webhook's delivery: not configured, delivered, behind, failing with its last error", async () => {
    const { rerender } = render(<RecordView client={fakeClient()} changeWebhook={undefined} />);
    expect(screen.getByTestId('change-webhook').getAttribute('data-state')).toBe('off');
    const delivered = { cursor: '1042', lag: 0, failures: 0, last_error: null, last_error_at: null, delivered_at: new Date().toISOString() };
    rerender(<RecordView client={fakeClient()} changeWebhook={delivered} />);
    expect(screen.getByTestId('change-webhook').getAttribute('data-state')).toBe('delivered');
    expect(screen.getByTestId('change-webhook').textContent).toContain('cursor 1042, 0 change(s) waiting');
    rerender(<RecordView client={fakeClient()} changeWebhook={{ ...delivered, lag: 12 }} />);
    expect(screen.getByTestId('change-webhook').getAttribute('data-state')).toBe('behind');
    rerender(<RecordView client={fakeClient()} changeWebhook={{ ...delivered, lag: 12, failures: 3, last_error: 'the receiver answered 503', last_error_at: new Date().toISOString() }} />);
    await waitFor(() => expect(screen.getByTestId('change-webhook').getAttribute('data-state')).toBe('failing'));
    expect(screen.getByTestId('change-webhook-error').textContent).toContain('3 failed attempt(s) at the current batch');
    expect(screen.getByTestId('change-webhook-error').textContent).toContain('the receiver answered 503');
  });

  it('describes a dead letter that is open or was retried, and a change not yet numbered', () => {
    expect(describeEvent({ at: '', kind: 'dead_letter', id: '1', operation: 'delete', error: 'gone', attempts: 3, resolved_at: null, resolution_note: null, retried_at: null })).toBe('delete after 3 attempt(s): gone — open');
    expect(describeEvent({ at: '', kind: 'change', id: null, op: 'insert', columns: ['name'], zoho_last_modified_time: null })).toBe('insert (not yet numbered): name');
  });
});
