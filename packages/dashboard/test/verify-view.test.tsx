import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VerifiedReliability, VerifyRun } from '../src/lib/types';
import { driftByColumn, reliabilityText, VerifyView } from '../src/views/verify-view';
import { fakeClient } from './fixtures';

const reliability = (matching: number, checked: number): VerifiedReliability => ({
  ratio: checked === 0 ? null : matching / checked,
  checked,
  matching,
  drifted: checked - matching,
  missing: 0,
  extra: 0,
  runs: 2,
  windowHours: 24,
  lastRunAt: '2026-11-29T11:59:00Z',
});

function runFixture(id: string, overrides: Partial<VerifyRun> = {}): VerifyRun {
  return {
    id,
    trigger: 'schedule',
    sample: 20,
    repair: false,
    ok: true,
    checked: 120,
    matching: 120,
    drifted: 0,
    missing: 0,
    extra: 0,
    repaired: 0,
    requests: 9,
    started_at: '2026-11-29T11:58:00Z',
    finished_at: '2026-11-29T11:59:00Z',
    notes: [],
    entities: [],
    ...overrides,
  };
}

const drifted = runFixture('7', {
  ok: false,
  checked: 1000,
  matching: 997,
  drifted: 2,
  extra: 1,
  entities: [
    {
      entity: 'products',
      checked: 500,
      matching: 498,
      complete: false,
      drifted: [
        { zoho_id: 'item-1', columns: [{ column: 'unit_price', stored: '1250.00', zoho: '1300' }, { column: 'name_ar', stored: 'هاتف', zoho: 'هاتف سامسونج' }] },
        { zoho_id: 'item-2', columns: [{ column: 'unit_price', stored: '5', zoho: '6' }] },
      ],
      missing: [],
      extra: [],
      unrepaired: [],
    },
    {
      entity: 'invoices',
      checked: 500,
      matching: 499,
      complete: true,
      drifted: [],
      missing: [],
      extra: ['inv-9'],
      unrepaired: [],
    },
  ],
});

describe('VerifyView', () => {
  it('shows verified reliability, the latest runs, and drift by entity and column with the first differences', async () => {
    const client = fakeClient({ verifyRuns: async () => ({ runs: [drifted, runFixture('6')], reliability: reliability(1117, 1120) }) });
    render(<VerifyView client={client} />);
    expect((await screen.findByTestId('verified-reliability')).textContent).toBe('99.73 %');
    const runs = screen.getByTestId('verify-runs').querySelectorAll('tbody tr');
    expect(runs).toHaveLength(2);
    expect(runs[0].textContent).toContain('schedule');
    expect(runs[0].getAttribute('data-selected')).toBe('true');
    const byColumn = [...screen.getByTestId('verify-drift-by-column').querySelectorAll('tbody tr')].map((tr) => tr.textContent);
    expect(byColumn).toEqual(['productsunit_price2', 'productsname_ar1', 'invoices(extra here)1']);
    const differences = screen.getByTestId('verify-differences').textContent;
    expect(differences).toContain('"1250.00"');
    expect(differences).toContain('"هاتف سامسونج"');

    fireEvent.click(runs[1]);
    expect(await screen.findByTestId('verify-no-drift')).toBeTruthy();
  });

  it('says "not measured" rather than 100 % when no verify ran in 24 h', async () => {
    render(<VerifyView client={fakeClient()} />);
    expect((await screen.findByTestId('verified-reliability')).textContent).toBe('not measured');
    expect(screen.getByTestId('verify-runs-empty')).toBeTruthy();
    expect(reliabilityText(reliability(999, 1000))).toBe('99.9 %');
    expect(reliabilityText(reliability(99_899, 100_000))).toBe('99.89 %');
  });

  it('the repair button starts a verify with repair for the chosen entity, waits for it, then shows the new run', async () => {
    let running = 2;
    let repaired = false;
    const client = fakeClient({
      verifyRuns: async () => ({ runs: repaired ? [runFixture('8', { trigger: 'http', repair: true, repaired: 3 }), drifted] : [drifted], reliability: reliability(997, 1000) }),
      startVerify: async () => ({ started: true }),
      verifyRunning: async () => {
        running--;
        if (running === 0) repaired = true;
        return running > 0;
      },
    });
    render(<VerifyView client={client} pollMs={5} />);
    await screen.findByTestId('verify-runs');
    fireEvent.change(screen.getByTestId('verify-entity'), { target: { value: 'products' } });
    fireEvent.click(screen.getByTestId('verify-repair'));
    await screen.findByTestId('verify-busy');
    await waitFor(() => expect(screen.getByTestId('verify-runs').querySelectorAll('tbody tr')).toHaveLength(2));
    expect(screen.queryByTestId('verify-busy')).toBeNull();
    expect(client.calls.filter(([name]) => name === 'startVerify')).toEqual([['startVerify', { entities: ['products'], repair: true }]]);
    expect(screen.getByTestId('verify-runs').querySelectorAll('tbody tr')[0].textContent).toContain('http + repair');
  });

  it('shows why a verify could not start (one already running)', async () => {
    const client = fakeClient({
      startVerify: async () => {
        throw new Error('A verify is already running in this process');
      },
    });
    render(<VerifyView client={client} />);
    await screen.findByTestId('verify-runs-empty');
    fireEvent.click(screen.getByTestId('verify-start'));
    expect((await screen.findByText(/already running/)).textContent).toContain('already running');
  });

  it('groups child-row columns of different rows together', () => {
    const run = runFixture('9', {
      entities: [
        {
          entity: 'invoices',
          checked: 2,
          matching: 0,
          complete: true,
          drifted: [
            { zoho_id: 'a', columns: [{ column: 'lines[1].quantity', stored: '1', zoho: '2' }, { column: 'lines[2].quantity', stored: '1', zoho: '3' }] },
            { zoho_id: 'b', columns: [{ column: 'lines[7].quantity', stored: '4', zoho: '5' }] },
          ],
          missing: [],
          extra: [],
          unrepaired: [],
        },
      ],
    });
    expect(driftByColumn(run)).toEqual([{ entity: 'invoices', column: 'lines[].quantity', records: 2 }]);
  });
});
