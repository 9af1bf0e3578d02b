import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api';
import { ErrorNotice } from './components';
import { SessionProvider, useSession, useSessionQuery } from './session';

/*
 * Each page is its own chunk, loaded when first visited (the charts library
 * only with Home); the sign-in and setup pages too, so a signed-in reload
 * fetches neither.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(async () => ({ default: (await load())[name] }));
const AuditPage = page(() => import('./pages/AuditPage'), 'AuditPage');
const DevelopersPage = page(() => import('./pages/DevelopersPage'), 'DevelopersPage');
const EventPage = page(() => import('./pages/EventPage'), 'EventPage');
const HomePage = page(() => import('./pages/HomePage'), 'HomePage');
const PaymentPage = page(() => import('./pages/PaymentPage'), 'PaymentPage');
const PaymentsPage = page(() => import('./pages/PaymentsPage'), 'PaymentsPage');
const ReviewsPage = page(() => import('./pages/ReviewsPage'), 'ReviewsPage');
const SettingsPage = page(() => import('./pages/SettingsPage'), 'SettingsPage');
const SetupPage = page(() => import('./pages/SetupPage'), 'SetupPage');
const SignInPage = page(() => import('./pages/SignInPage'), 'SignInPage');

const NAV = [
  { to: '/', label: 'Home', end: true },
  { to: '/payments', label: 'Payments' },
  { to: '/reviews', label: 'Reviews' },
  { to: '/developers', label: 'Developers' },
  { to: '/settings', label: 'Settings' },
  { to: '/audit', label: 'Audit' },
];

function Loading({ what }: { what: string }) {
  return <p aria-busy="true">Loading {what}…</p>;
}

export function App() {
  const location = useLocation();
  if (location.pathname === '/setup' || location.pathname === '/sign-in')
    return (
      <Suspense
        fallback={
          <main className="container">
            <Loading what="the page" />
          </main>
        }
      >
        {location.pathname === '/setup' ? <SetupPage /> : <SignInPage />}
      </Suspense>
    );
  return <SignedIn />;
}

function SignedIn() {
  const session = useSessionQuery();
  const location = useLocation();
  if (session.isPending)
    return (
      <main className="container">
        <p aria-busy="true">Loading the dashboard…</p>
      </main>
    );
  if (session.error)
    return (
      <main className="container">
        <ErrorNotice error={session.error} />
      </main>
    );
  if (!session.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return (
    <SessionProvider session={session.data}>
      <Layout />
    </SessionProvider>
  );
}

function Layout() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = useMutation({
    mutationFn: (everywhere: boolean) => api(everywhere ? '/sign-out-everywhere' : '/sign-out', { method: 'POST' }),
    onSuccess: () => {
      queryClient.clear();
      void navigate('/sign-in', { replace: true });
    },
  });
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [location.pathname]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="container">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>Pdirect</strong> · {session.merchant.name} {session.merchant.mode === 'test' ? <span className="badge">test mode</span> : null}
            </li>
          </ul>
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-bar">
          <span>
            Signed in as {session.user.email} ({session.user.role})
          </span>
          <button type="button" className="secondary outline" onClick={() => signOut.mutate(false)}>
            Sign out
          </button>
          <button type="button" className="secondary outline" onClick={() => signOut.mutate(true)}>
            Sign out everywhere
          </button>
        </div>
        <ErrorNotice error={signOut.error} />
      </header>
      <main id="main" className="container" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route index element={<HomePage />} />
            <Route path="payments" element={<PaymentsPage />} />
            <Route path="payments/:paymentId" element={<PaymentPage />} />
            <Route path="developers" element={<DevelopersPage />} />
            <Route path="developers/events/:eventId" element={<EventPage />} />
            <Route path="settings" element={<SettingsPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="reviews" element={<ReviewsPage />} />
            <Route path="*" element={<h1>Page not found</h1>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
