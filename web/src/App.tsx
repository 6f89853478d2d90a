// Boots the dashboard: loads server facts (/api/meta) and the session (/api/me), then routes
// between the signed-out pages and the signed-in pages.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler, type Meta, type SessionInfo } from './api';
import { Layout } from './components/Layout';
import { ErrorState, Loading } from './components/States';
import { navigate, usePath } from './router';
import { AuthPage } from './pages/AuthPage';
import { OverviewPage } from './pages/OverviewPage';
import { KeysPage } from './pages/KeysPage';
import { UsagePage } from './pages/UsagePage';
import { BillingPage } from './pages/BillingPage';
import { PlaygroundPage } from './pages/PlaygroundPage';

const TITLES: Record<string, string> = {
  '/': 'Overview',
  '/keys': 'API keys',
  '/usage': 'Usage',
  '/billing': 'Billing',
  '/playground': 'Playground',
  '/signin': 'Sign in',
  '/signup': 'Sign up',
};

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

export function App() {
  const path = usePath();
  const [meta, setMeta] = useState<Meta>();
  const [session, setSession] = useState<SessionInfo | null>();
  const [bootError, setBootError] = useState<Error>();

  const boot = useCallback(() => {
    setBootError(undefined);
    Promise.all([
      api.meta(),
      api.me().catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }),
    ]).then(
      ([m, s]) => {
        setMeta(m);
        if (s) setCsrfToken(s.csrfToken);
        setSession(s);
      },
      (e: unknown) => setBootError(e instanceof Error ? e : new Error(String(e))),
    );
  }, []);

  useEffect(boot, [boot]);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      navigate('/signin', true);
    });
  }, []);
  useEffect(() => {
    document.title = `${TITLES[path] ?? 'Not found'} · OpenCompress`;
  }, [path]);

  const signedIn = (s: SessionInfo) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
    setMeta((m) => (m ? { ...m, setupRequired: false } : m));
    navigate('/', true);
  };

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken('');
      setSession(null);
      navigate('/signin', true);
    }
  };

  if (bootError)
    return (
      <div className="center-page">
        <ErrorState error={bootError} onRetry={boot} />
      </div>
    );
  if (!meta || session === undefined)
    return (
      <div className="center-page">
        <Loading />
      </div>
    );

  if (!session) {
    const mode = path === '/signup' || (meta.setupRequired && meta.signup === 'open') ? 'signup' : 'signin';
    return <AuthPage mode={mode} meta={meta} onSignedIn={signedIn} />;
  }
  if (path === '/signin' || path === '/signup') return <Redirect to="/" />;

  let page;
  switch (path) {
    case '/':
      page = <OverviewPage meta={meta} />;
      break;
    case '/keys':
      page = <KeysPage meta={meta} />;
      break;
    case '/usage':
      page = <UsagePage meta={meta} />;
      break;
    case '/billing':
      page = <BillingPage account={session.account} meta={meta} />;
      break;
    case '/playground':
      page = <PlaygroundPage meta={meta} />;
      break;
    default:
      page = (
        <div className="state state-empty">
          <h3>Page not found</h3>
          <p>There is nothing at {path}.</p>
          <button className="btn btn-primary" onClick={() => navigate('/')}>
            Go to the overview
          </button>
        </div>
      );
  }
  return (
    <Layout path={path} account={session.account} onSignOut={signOut}>
      {page}
    </Layout>
  );
}
