// Builds the dashboard (web/) into web/dist, which the gateway serves at `/`.
// `npm run dev:web` proxies /api to a gateway on localhost:8787 for UI work.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});
