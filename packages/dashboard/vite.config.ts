import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built once (npm run build, run by npm ci through the root prepare script) and
// served by the gateway at /dashboard. No inline script: the page's CSP forbids it.
export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    modulePreload: { polyfill: false },
  },
});
