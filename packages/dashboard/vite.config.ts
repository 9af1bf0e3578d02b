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
    // Largest chunk after the split: the charts library (loaded with Home only).
    chunkSizeWarningLimit: 400,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // Vendor chunks that change rarely (cached across releases of the app's own code); pages split by route (React.lazy in App.tsx).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser)[\\/]/ },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/ },
            { name: 'forms', test: /node_modules[\\/](react-hook-form|@hookform|zod)[\\/]/ },
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|d3-[a-z]+|victory-vendor|internmap|decimal\.js-light|es-toolkit|eventemitter3|@reduxjs|redux|redux-thunk|reselect|immer|use-sync-external-store|react-redux|tiny-invariant|clsx)[\\/]/,
            },
            { name: 'qrcode', test: /node_modules[\\/]qrcode\.react[\\/]/ },
          ],
        },
      },
    },
  },
});
