import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <main className="p-6 text-slate-900">TDS Dashboard</main>
  </StrictMode>,
);
