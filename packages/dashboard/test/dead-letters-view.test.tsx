import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../src/lib/types';
import { DeadLettersView } from '../src/views/dead-letters-view';
import { deadLetterFixture, fakeClient } from './fixtures';

/** A client whose dead-letter list behaves like the server: retried and resolved letters leave the open list. */
function dlqClient(initial: DeadLetter[]) {
  const letters = new Map(initial.map((d) => [d.id, d]));
  const client = fakeClient({
    deadLetters: async (filter) =>
      [...letters.values()].filter((d) => (!filter.entity || d.entity_type === filter.entity) && (filter.includeResolved || (d.resolved_at === null && d.retried_at === null))),
    retryDeadLetter: async (id) => {
      const targets = id === 'all' ? [...letters.values()].filter((d) => d.retried_at === null && d.resolved_at === null) : [letters.get(id)!];
      for (const d of targets) letters.set(d.id, { ...d, retried_at: '2026-11-29T12:00:00Z' });
      return { retried: targets.length };
    },
    resolveDeadLetter: async (id, note) => {
      letters.set(id, { ...letters.get(id)!, resolved_at: '2026-11-29T12:00:00Z', resolution_note: note });
      return { resolved: true };
    },
  });
  return client;
}

describe('DeadLettersView', () => {
  it('lists dead letters with their Arabic names isolated right-to-left', async () => {
    render(<DeadLettersView client={dlqClient([deadLetterFixture('1'), deadLetterFixture('2', { entity_type: 'customers', payload: { contact: { contact_name: 'Al Noor' } } })])} liveVersion="" />);
    const row = await screen.findByTestId('dlq-row-1');
    const arabic = [...row.querySelectorAll('bdi')].find((b) => b.textContent === 'هاتف سامسونج جالكسي');
    expect(arabic?.getAttribute('dir')).toBe('auto');
    expect(row.textContent).toContain('Samsung Galaxy A15');
    expect(screen.getByTestId('dlq-count').textContent).toBe('2');
  });

  it('filters by entity', async () => {
    const client = dlqClient([deadLetterFixture('1'), deadLetterFixture('2', { entity_type: 'customers' })]);
    render(<DeadLettersView client={client} liveVersion="" />);
    await screen.findByTestId('dlq-row-2');
    fireEvent.change(screen.getByTestId('dlq-entity-filter'), { target: { value: 'customers' } });
    await waitFor(() => expect(screen.queryByTestId('dlq-row-1')).toBeNull());
    expect(screen.getByTestId('dlq-row-2')).toBeTruthy();
    expect(client.calls.filter(([name]) => name === 'deadLetters').at(-1)).toEqual(['deadLetters', { entity: 'customers', includeResolved: false }]);
  });

  it('shows the payload and the full error of one', async () => {
    render(<DeadLettersView client={dlqClient([deadLetterFixture('1')])} liveVersion="" />);
    fireEvent.click(await screen.findByTestId('dlq-details-1'));
    expect((await screen.findByTestId('dlq-details-error')).textContent).toContain('rate: expected a decimal');
    expect(screen.getByTestId('dlq-details-payload').textContent).toContain('"cf_name_ar": "هاتف سامسونج جالكسي"');
  });

  it('retries one: it leaves the open list', async () => {
    const client = dlqClient([deadLetterFixture('1'), deadLetterFixture('2')]);
    render(<DeadLettersView client={client} liveVersion="" />);
    fireEvent.click(await screen.findByTestId('dlq-retry-1'));
    await waitFor(() => expect(screen.queryByTestId('dlq-row-1')).toBeNull());
    expect(screen.getByTestId('dlq-row-2')).toBeTruthy();
    expect(client.calls).toContainEqual(['retryDeadLetter', '1']);
    expect(screen.getByTestId('dlq-message').textContent).toMatch(/back in the queue/);
  });

  it('retries all after a confirmation', async () => {
    const client = dlqClient([deadLetterFixture('1'), deadLetterFixture('2')]);
    render(<DeadLettersView client={client} liveVersion="" />);
    await screen.findByTestId('dlq-row-1');
    fireEvent.click(screen.getByTestId('dlq-retry-all'));
    fireEvent.click(await screen.findByTestId('dlq-retry-all-confirm'));
    expect(await screen.findByTestId('dlq-empty')).toBeTruthy();
    expect(client.calls).toContainEqual(['retryDeadLetter', 'all']);
  });

  it('resolves only with a note, and sends the note', async () => {
    const client = dlqClient([deadLetterFixture('1')]);
    render(<DeadLettersView client={client} liveVersion="" />);
    fireEvent.click(await screen.findByTestId('dlq-resolve-1'));
    const confirm = (await screen.findByTestId('dlq-resolve-confirm')) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('dlq-resolve-note'), { target: { value: '  price fixed in Zoho  ' } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    expect(await screen.findByTestId('dlq-empty')).toBeTruthy();
    expect(client.calls).toContainEqual(['resolveDeadLetter', '1', 'price fixed in Zoho']);
  });

  it('reloads when the live dead-letter counts change', async () => {
    const client = dlqClient([deadLetterFixture('1')]);
    const view = render(<DeadLettersView client={client} liveVersion="1:1" />);
    await screen.findByTestId('dlq-row-1');
    const before = client.calls.filter(([name]) => name === 'deadLetters').length;
    view.rerender(<DeadLettersView client={client} liveVersion="2:2" />);
    await waitFor(() => expect(client.calls.filter(([name]) => name === 'deadLetters').length).toBe(before + 1));
  });
});
