// Sign in and sign up. On a fresh install the first sign-up creates the administrator account.
import { useState, type FormEvent } from 'react';
import { api, ApiError, type Meta, type SessionInfo } from '../api';
import { Brand } from '../components/Layout';
import { InlineError } from '../components/States';
import { linkProps } from '../router';

export function AuthPage({ mode, meta, onSignedIn }: { mode: 'signin' | 'signup'; meta: Meta; onSignedIn: (s: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const signupClosed = mode === 'signup' && meta.signup === 'closed';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (mode === 'signup' && password.length < meta.minPasswordLength) {
      setError(`Use at least ${meta.minPasswordLength} characters for your password.`);
      return;
    }
    setBusy(true);
    try {
      const s = mode === 'signup' ? await api.signup(email.trim(), password) : await api.login(email.trim(), password);
      onSignedIn(s);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  const heading = mode === 'signin' ? 'Sign in to OpenCompress' : meta.setupRequired ? 'Create the administrator account' : 'Create your account';
  return (
    <div className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <Brand />
        </div>
        <h1>{heading}</h1>
        <p className="subtitle">
          {mode === 'signin'
            ? 'Manage your API keys, usage and savings.'
            : meta.setupRequired
              ? 'This is a fresh install. The first account becomes the administrator and can grant credits and create accounts.'
              : 'Compress prompts before they reach your LLM provider and pay less for input tokens.'}
        </p>
        {mode === 'signin' && meta.setupRequired && meta.signup === 'closed' && (
          <div className="notice">
            No account exists yet and sign-up is closed. Create the administrator on the server with{' '}
            <code>opencompress accounts create --email you@example.com --password …</code>, then sign in here.
          </div>
        )}
        {signupClosed ? (
          <div className="notice">
            Self-service sign-up is closed on this server. Ask your administrator for an account, then{' '}
            <a {...linkProps('/signin')}>sign in</a>.
          </div>
        ) : (
          <form onSubmit={submit} className="form" noValidate>
            <label className="field">
              <span>Email</span>
              <input type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                type="password"
                name="password"
                autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
                required
                minLength={mode === 'signup' ? meta.minPasswordLength : undefined}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              {mode === 'signup' && <small className="hint">At least {meta.minPasswordLength} characters.</small>}
            </label>
            <InlineError message={error} />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email || !password}>
              {busy ? 'Please wait…' : mode === 'signin' ? 'Sign in' : 'Create account'}
            </button>
          </form>
        )}
        <p className="auth-switch">
          {mode === 'signin' ? (
            meta.signup === 'open' ? (
              <>
                New here? <a {...linkProps('/signup')}>Create an account</a>
              </>
            ) : (
              'Accounts are created by the administrator.'
            )
          ) : (
            !meta.setupRequired && (
              <>
                Already have an account? <a {...linkProps('/signin')}>Sign in</a>
              </>
            )
          )}
        </p>
      </div>
    </div>
  );
}
