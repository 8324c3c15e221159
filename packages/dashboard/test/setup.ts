import { afterEach } from 'vitest';

// Component tests only: the end-to-end test runs in node, without a DOM.
if (typeof window !== 'undefined') {
  const { cleanup } = await import('@testing-library/react');
  afterEach(() => {
    cleanup();
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/tds/');
  });
}
