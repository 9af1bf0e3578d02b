import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api';
import { ErrorNotice } from './components';
import { AuditPage } from './pages/AuditPage';
import { DevelopersPage } from './pages/DevelopersPage';
import { EventPage } from './pages/EventPage';
import { HomePage } from './pages/HomePage';
import { PaymentPage } from './pages/PaymentPage';
import { PaymentsPage } from './pages/PaymentsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { SessionProvider, useSession, useSessionQuery } from './session';

/*
 * Pages. Where the risk engine's pages will go once it exists: a "Reviews"
 * entry in NAV (/reviews), risk score, CSC check and capture/cancel on the
 * payment page, and the rules editor on the Developers page. None is shown
 * before the gateway can back it.
 */
const NAV = [
  { to: '/', label: 'Home', end: true },
  { to: '/payments', label: 'Payments' },
  { to: '/developers', label: 'Developers' },
  { to: '/settings', label: 'Settings' },
  { to: '/audit', label: 'Audit' },
];

export function App() {
  const location = useLocation();
  if (location.pathname === '/setup') return <SetupPage />;
  if (location.pathname === '/sign-in') return <SignInPage />;
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
        <Routes>
          <Route index element={<HomePage />} />
          <Route path="payments" element={<PaymentsPage />} />
          <Route path="payments/:paymentId" element={<PaymentPage />} />
          <Route path="developers" element={<DevelopersPage />} />
          <Route path="developers/events/:eventId" element={<EventPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="*" element={<h1>Page not found</h1>} />
        </Routes>
      </main>
    </>
  );
}
