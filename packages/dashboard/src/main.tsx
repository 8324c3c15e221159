import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles.css';

// Where the host mounted the TDS router ('' at the root): @tsh/tds-express puts it in the page.
const apiBase = document.querySelector('meta[name="tds-api-base"]')?.getAttribute('content') ?? '';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App baseUrl={apiBase} />
  </StrictMode>,
);
