import '@picocss/pico/css/pico.min.css';
import './app.css';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiFailure, setCsrfToken } from './api';
import { App } from './App';

// A session that ended (idle or absolute timeout, signed out elsewhere) on any request: back to the sign-in page, which returns here after.
const ended = (error: unknown) => {
  if (!(error instanceof ApiFailure && error.code === '1705')) return;
  setCsrfToken(undefined);
  queryClient.setQueryData(['session'], null);
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: ended }),
  mutationCache: new MutationCache({ onError: ended }),
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/dashboard">
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
