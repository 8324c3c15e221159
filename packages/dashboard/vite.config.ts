import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by @tsh/tds-express under /tds: every asset URL is relative to that base.
export default defineConfig({
  base: '/tds/',
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  // `pnpm --filter @tsh/tds-dashboard dev`: the page from Vite, the API from a running `tds serve` (TDS_URL).
  server: { proxy: { '/api': { target: process.env.TDS_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } } },
});
