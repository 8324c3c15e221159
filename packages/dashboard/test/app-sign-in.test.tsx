import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app';
import { snapshotFixture } from './fixtures';

const TOKEN = 'the-admin-token-1234567890';

/** A fetch answering like the adapter: 403 unless the right bearer token is sent; the events stream stays open. */
function serverFetch() {
  const urls: string[] = [];
  const authHeaders: Array<string | null> = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    urls.push(url);
    const auth = new Headers(init?.headers).get('authorization');
    authHeaders.push(auth);
    if (auth !== `Bearer ${TOKEN}`) {
      return new Response(JSON.stringify({ error: { status: 403, code: 'forbidden', message: 'The admin token is not valid' } }), { status: 403 });
    }
    if (url.endsWith('/api/tds/events')) {
      const text = `event: snapshot\ndata: ${JSON.stringify(snapshotFixture())}\n\n`;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          init?.signal?.addEventListener('abort', () => controller.close());
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(JSON.stringify(snapshotFixture().queue), { status: 200 });
  }) as typeof fetch;
  return { fetchFn, urls, authHeaders };
}

async function signIn(token: string) {
  fireEvent.change(screen.getByLabelText('Admin token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('signing in', () => {
  it('keeps a refused token nowhere and says so', async () => {
    const server = serverFetch();
    render(<App fetch={server.fetchFn} />);
    await signIn('wrong-token');
    expect((await screen.findByTestId('sign-in-error')).textContent).toBe('That token was refused.');
    expect(sessionStorage.getItem('tds.adminToken')).toBeNull();
    expect(server.urls).toEqual(['/api/tds/queue']);
    expect(window.location.href).not.toContain('wrong-token');
  });

  it('checks the token, keeps it in session storage, then shows the live dashboard; the token never enters a URL', async () => {
    const server = serverFetch();
    render(<App fetch={server.fetchFn} />);
    await signIn(TOKEN);
    expect(await screen.findByTestId('queue-pending')).toHaveProperty('textContent', '1,234');
    expect(sessionStorage.getItem('tds.adminToken')).toBe(TOKEN);
    await waitFor(() => expect(screen.getByTestId('live-state').dataset.state).toBe('live'));
    expect(server.urls).toContain('/api/tds/events');
    for (const url of [...server.urls, window.location.href]) expect(url).not.toContain(TOKEN);
    expect(server.authHeaders.every((h) => h === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('starts signed in from session storage, and signs out', async () => {
    sessionStorage.setItem('tds.adminToken', TOKEN);
    const server = serverFetch();
    render(<App fetch={server.fetchFn} />);
    await screen.findByTestId('queue-pending');
    fireEvent.click(screen.getByRole('button', { name: /Sign out/ }));
    expect(await screen.findByLabelText('Admin token')).toBeTruthy();
    expect(sessionStorage.getItem('tds.adminToken')).toBeNull();
  });

  it('goes back to sign-in with a notice when the server stops accepting the stored token', async () => {
    sessionStorage.setItem('tds.adminToken', 'rotated-away-token');
    render(<App fetch={serverFetch().fetchFn} />);
    expect((await screen.findByTestId('sign-in-notice')).textContent).toMatch(/no longer accepts that token/);
    expect(sessionStorage.getItem('tds.adminToken')).toBeNull();
  });
});
