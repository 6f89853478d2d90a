// Billing: balance and ledger for everyone; for the admin, the accounts list, credit grants and
// account creation (the way in when self-service sign-up is closed).
import { useState, type FormEvent } from 'react';
import { api, ApiError, type Account, type Meta } from '../api';
import { PageHeader } from '../components/Layout';
import { StatCard } from '../components/StatCard';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { Pager } from '../components/Pager';
import { TableCard } from '../components/TableCard';
import { date, dateTime, int, usd } from '../format';
import { useAsync } from '../useAsync';

const PAGE_SIZE = 25;

const KIND_LABEL: Record<string, string> = { grant: 'Credit', charge: 'Usage charge', free_credit: 'Welcome credit', adjustment: 'Adjustment' };

export function BillingPage({ account, meta }: { account: Account; meta: Meta }) {
  const [page, setPage] = useState(1);
  const billing = useAsync(() => api.billing(page, PAGE_SIZE), [page]);
  const total = billing.data?.ledgerTotal ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <>
      <PageHeader title="Billing" subtitle="Your prepaid balance pays for fees (and, for Router keys, the model cost)." />
      {billing.loading && !billing.data ? (
        <Loading />
      ) : billing.error ? (
        <ErrorState error={billing.error} onRetry={billing.reload} />
      ) : billing.data ? (
        <>
          <section className="stats-grid stats-grid-narrow">
            <StatCard label="Balance" value={usd(billing.data.balanceUsd)} tone={billing.data.balanceUsd <= 0 ? 'warn' : undefined} note={billing.data.balanceUsd <= 0 ? 'Requests are refused until credit is added' : 'Available for requests'} />
          </section>
          <section className="section">
            <h2 className="section-title">Ledger</h2>
            {billing.data.ledger.length === 0 && page === 1 ? (
              <EmptyState title="No ledger entries yet">
                <p>Credits and charges appear here.</p>
              </EmptyState>
            ) : (
              <TableCard
                testId="ledger-table"
                numeric
                footer={<Pager total={total} noun={['entry', 'entries']} page={page} pages={pages} loading={billing.loading} onPage={setPage} testId="ledger-pager" />}
              >
                <thead>
                  <tr>
                    <th>Date</th>
                    <th>Entry</th>
                    <th className="hide-sm">Note</th>
                    <th className="num">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {billing.data.ledger.map((e) => (
                    <tr key={e.id}>
                      <td className="nowrap card-head" data-label="">{dateTime(e.at)}</td>
                      <td data-label="Entry">{KIND_LABEL[e.kind] ?? e.kind}</td>
                      <td className="hide-sm muted" data-label="Note">{e.note ?? ''}</td>
                      <td className={`num ${e.amountUsd >= 0 ? 'good' : ''}`} data-label="Amount">
                        {e.amountUsd >= 0 ? '+' : '−'}
                        {usd(Math.abs(e.amountUsd)).replace('−', '')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </TableCard>
            )}
          </section>
        </>
      ) : null}
      {account.isAdmin && <AdminPanel onChanged={billing.reload} minPasswordLength={meta.minPasswordLength} />}
    </>
  );
}

function AdminPanel({ onChanged, minPasswordLength }: { onChanged: () => void; minPasswordLength: number }) {
  const accounts = useAsync(() => api.adminAccounts(), []);
  const [accountId, setAccountId] = useState('');
  const [amount, setAmount] = useState('10');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [newEmail, setNewEmail] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string>();
  const [createDone, setCreateDone] = useState<string>();

  async function grant(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    const usdAmount = Number(amount);
    if (!accountId) return setError('Choose an account.');
    if (!Number.isFinite(usdAmount) || usdAmount <= 0) return setError('Enter a positive amount in dollars.');
    setBusy(true);
    try {
      const r = await api.grantCredits(accountId, usdAmount, note.trim());
      const who = accounts.data?.data.find((a) => a.id === accountId)?.email ?? 'the account';
      setDone(`Granted ${usd(usdAmount)} to ${who}. New balance: ${usd(r.balanceUsd)}.`);
      setNote('');
      accounts.reload();
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not grant credits.');
    } finally {
      setBusy(false);
    }
  }

  async function createAccount(e: FormEvent) {
    e.preventDefault();
    setCreateError(undefined);
    setCreateDone(undefined);
    if (newPassword.length < minPasswordLength) return setCreateError(`Use at least ${minPasswordLength} characters for the password.`);
    setCreating(true);
    try {
      const r = await api.adminCreateAccount(newEmail.trim(), newPassword);
      setCreateDone(`Created ${r.account.email}. Share the password with them securely.`);
      setNewEmail('');
      setNewPassword('');
      accounts.reload();
    } catch (err) {
      setCreateError(err instanceof ApiError ? err.message : 'Could not create the account.');
    } finally {
      setCreating(false);
    }
  }

  return (
    <section className="section admin">
      <h2 className="section-title">
        Administration <span className="badge badge-admin">Admin</span>
      </h2>
      <div className="admin-grid">
        <form className="card form" onSubmit={grant}>
          <h3 className="card-title">Grant credits</h3>
          <label className="field">
            <span>Account</span>
            <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
              <option value="">Choose an account…</option>
              {accounts.data?.data.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.email} ({usd(a.balanceUsd)})
                </option>
              ))}
            </select>
          </label>
          <div className="field-row">
            <label className="field">
              <span>Amount (USD)</span>
              <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
            </label>
            <label className="field">
              <span>Note (optional)</span>
              <input value={note} maxLength={200} placeholder="e.g. Invoice 1042" onChange={(e) => setNote(e.target.value)} />
            </label>
          </div>
          <InlineError message={error} />
          {done && <div className="inline-success">{done}</div>}
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Granting…' : 'Grant credits'}
          </button>
        </form>
        <form className="card form" onSubmit={createAccount}>
          <h3 className="card-title">Create an account</h3>
          <label className="field">
            <span>Email</span>
            <input type="email" autoComplete="off" value={newEmail} onChange={(e) => setNewEmail(e.target.value)} />
          </label>
          <label className="field">
            <span>Initial password</span>
            <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
          </label>
          <InlineError message={createError} />
          {createDone && <div className="inline-success">{createDone}</div>}
          <button type="submit" className="btn btn-secondary" disabled={creating || !newEmail}>
            {creating ? 'Creating…' : 'Create account'}
          </button>
        </form>
      </div>
      <h3 className="section-subtitle">Accounts</h3>
      {accounts.loading && !accounts.data ? (
        <Loading />
      ) : accounts.error ? (
        <ErrorState error={accounts.error} onRetry={accounts.reload} />
      ) : accounts.data ? (
        <TableCard testId="accounts-table" numeric>
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th className="hide-sm">Created</th>
              <th className="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.data.map((a) => (
              <tr key={a.id}>
                <td className="card-head" data-label="">{a.email}</td>
                <td data-label="Role">{a.isAdmin ? <span className="badge badge-admin">Admin</span> : 'User'}</td>
                <td className="hide-sm nowrap" data-label="Created">{date(a.createdAt)}</td>
                <td className="num" data-label="Balance">{usd(a.balanceUsd)}</td>
              </tr>
            ))}
          </tbody>
        </TableCard>
      ) : null}
    </section>
  );
}
