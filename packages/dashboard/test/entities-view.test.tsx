import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SyncRun } from '../src/lib/types';
import { EntitiesView } from '../src/views/entities-view';
import { entityFixture, fakeClient, runFixture } from './fixtures';

describe('EntitiesView', () => {
  it('shows per entity rows, cursor, last run and last error', async () => {
    const client = fakeClient({
      entities: async () => [
        entityFixture('products', {
          rows: 50_000,
          deleted_rows: 12,
          cursor: '2025-06-03T11:22:47Z',
          last_run: { id: '9', mode: 'incremental', status: 'succeeded', started_at: '2025-06-03T12:00:00Z', finished_at: null, counts: {}, error: null },
        }),
        entityFixture('customers', { last_error: 'Zoho answered 500 Internal Error', last_run_status: 'failed' }),
      ],
    });
    render(<EntitiesView client={client} />);
    expect((await screen.findByTestId('entity-rows-products')).textContent).toBe('50,000');
    const products = screen.getByTestId('entity-row-products');
    expect(products.textContent).toContain('12 deleted');
    expect(products.textContent).toContain('2025-06-03 11:22:47 UTC');
    expect(products.textContent).toContain('succeeded');
    expect(screen.getByTestId('entity-row-customers').textContent).toContain('Zoho answered 500 Internal Error');
  });

  it('"sync now" starts the chosen mode and follows its progress to done, then reloads', async () => {
    let push: (run: SyncRun) => void = () => undefined;
    let finish: () => void = () => undefined;
    const client = fakeClient({
      entities: async () => [entityFixture('products')],
      startSync: async () => ({ runId: 'run-7' }),
      followRun: (_id, onRun) =>
        new Promise<void>((resolve) => {
          push = onRun;
          finish = resolve;
        }),
    });
    render(<EntitiesView client={client} />);
    fireEvent.click(await screen.findByTestId('sync-products-full'));
    await waitFor(() => expect(client.calls).toContainEqual(['followRun', 'run-7']));
    expect(client.calls).toContainEqual(['startSync', 'products', 'full']);

    push(runFixture({ runId: 'run-7', progress: { products: { entity: 'products', phase: 'applying', pages: 3, records: 600, requestsUsed: 4, ratePerMinute: 1200, etaSeconds: 30 } } }));
    expect((await screen.findByTestId('run-phase-products')).textContent).toBe('applying');
    expect(screen.getByTestId('run-progress-products').textContent).toContain('600 records, 3 pages');
    expect((screen.getByTestId('sync-products-full') as HTMLButtonElement).disabled).toBe(true);

    const entityLoads = client.calls.filter(([name]) => name === 'entities').length;
    push(
      runFixture({
        runId: 'run-7',
        status: 'succeeded',
        finishedAt: new Date().toISOString(),
        progress: { products: { entity: 'products', phase: 'done', pages: 5, records: 1000, requestsUsed: 6, ratePerMinute: 1200, etaSeconds: 0 } },
      }),
    );
    finish();
    await waitFor(() => expect(screen.getByTestId('run-phase-products').textContent).toBe('done'));
    expect(screen.getByTestId('run-progress-products').querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('100');
    await waitFor(() => expect(client.calls.filter(([name]) => name === 'entities').length).toBe(entityLoads + 1));
    expect((screen.getByTestId('sync-products-full') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why a sync could not start', async () => {
    const client = fakeClient({
      entities: async () => [entityFixture('stock')],
      startSync: async () => Promise.reject(new Error('a sync of stock is already running for this organization')),
    });
    render(<EntitiesView client={client} />);
    fireEvent.click(await screen.findByTestId('sync-stock-incremental'));
    expect(await screen.findByText(/Could not start the incremental sync of stock: a sync of stock is already running/)).toBeTruthy();
  });
});
