// Usage: every request with its tokens, compression and money; filters, paging, CSV export,
// and the monthly aggregates.
import { useState, type FormEvent } from 'react';
import { api, type Meta, type UsageFilter } from '../api';
import { PageHeader } from '../components/Layout';
import { QuickStart } from '../components/QuickStart';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { Pager } from '../components/Pager';
import { TableCard } from '../components/TableCard';
import { dateTime, int, monthLabel, pct, usd } from '../format';
import { useAsync } from '../useAsync';

const PAGE_SIZE = 25;

const STATUS_LABEL: Record<string, string> = {
  ok: 'OK',
  upstream_error: 'Upstream error',
  client_aborted: 'Client aborted',
  guard_reverted: 'Not compressed (guard)',
  not_compressed: 'Not compressed',
  invalid_request: 'Invalid request',
};

export function UsagePage({ meta }: { meta: Meta }) {
  const [filter, setFilter] = useState<UsageFilter>({});
  const [draft, setDraft] = useState<UsageFilter>({});
  const [page, setPage] = useState(1);
  const keys = useAsync(() => api.keys(), []);
  const usage = useAsync(() => api.usage(filter, page, PAGE_SIZE), [JSON.stringify(filter), page]);
  const monthly = useAsync(() => api.monthly(), []);
  const filtered = Object.values(filter).some(Boolean);
  const pages = usage.data ? Math.max(1, Math.ceil(usage.data.total / PAGE_SIZE)) : 1;

  function apply(e: FormEvent) {
    e.preventDefault();
    setPage(1);
    setFilter({ ...draft });
  }
  function clear() {
    setDraft({});
    setFilter({});
    setPage(1);
  }

  return (
    <>
      <PageHeader
        title="Usage"
        subtitle="Every request through your keys: what was sent, what compression removed and what it cost."
        actions={
          <a className="btn btn-secondary" href={api.usageCsvUrl(filter)} download>
            Export CSV
          </a>
        }
      />
      <form className="filters card" onSubmit={apply}>
        <label className="field">
          <span>Key</span>
          <select value={draft.keyId ?? ''} onChange={(e) => setDraft({ ...draft, keyId: e.target.value || undefined })}>
            <option value="">All keys</option>
            {keys.data?.data.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.prefix}){k.status === 'revoked' ? ' — revoked' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Model</span>
          <input placeholder="e.g. gpt-4o-mini" value={draft.model ?? ''} onChange={(e) => setDraft({ ...draft, model: e.target.value || undefined })} />
        </label>
        <label className="field">
          <span>From</span>
          <input type="date" value={draft.from ?? ''} onChange={(e) => setDraft({ ...draft, from: e.target.value || undefined })} />
        </label>
        <label className="field">
          <span>To</span>
          <input type="date" value={draft.to ?? ''} onChange={(e) => setDraft({ ...draft, to: e.target.value || undefined })} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
          {filtered && (
            <button type="button" className="btn btn-ghost" onClick={clear}>
              Clear
            </button>
          )}
        </div>
      </form>

      {usage.loading && !usage.data ? (
        <Loading />
      ) : usage.error ? (
        <ErrorState error={usage.error} onRetry={usage.reload} />
      ) : usage.data && usage.data.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No requests match these filters">
            <button className="btn btn-secondary" onClick={clear}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No requests yet">
            <p>Send a request with one of your keys and it appears here within seconds.</p>
            <QuickStart baseUrl={meta.baseUrl} />
          </EmptyState>
        )
      ) : usage.data ? (
        <TableCard
          testId="usage-table"
          numeric
          footer={<Pager total={usage.data.total} noun={['request', 'requests']} page={page} pages={pages} loading={usage.loading} onPage={setPage} />}
        >
          <thead>
            <tr>
              <th>Time</th>
              <th>Key</th>
              <th>Model</th>
              <th className="num">Input tokens</th>
              <th className="num hide-sm">Output</th>
              <th className="num">Saved</th>
              <th className="num">Savings</th>
              <th className="num hide-sm">Charged</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {usage.data.data.map((r) => (
              <tr key={r.id}>
                <td className="nowrap card-head" data-label="">{dateTime(r.at)}</td>
                <td className="nowrap" data-label="Key">
                  <div>
                    <div className="cell-strong">{r.keyName ?? '—'}</div>
                    {r.keyPrefix && <code className="cell-sub">{r.keyPrefix}</code>}
                  </div>
                </td>
                <td className="nowrap" data-label="Model">{r.model}</td>
                <td className="num nowrap" data-label="Input tokens">
                  <span>
                    {int(r.originalInputTokens)} <span className="arrow">→</span> {int(r.compressedInputTokens)}
                  </span>
                </td>
                <td className="num hide-sm" data-label="Output tokens">{int(r.outputTokens)}</td>
                <td className="num" data-label="Saved">
                  <span className={r.compressionRate > 0 ? 'good' : undefined}>{pct(r.compressionRate)}</span>
                </td>
                <td className="num" data-label="Savings" data-testid="row-savings">
                  {usd(r.savingsUsd)}
                </td>
                <td className="num hide-sm" data-label="Charged">{usd(r.chargedUsd)}</td>
                <td data-label="Status">
                  <span className={`badge badge-status-${r.status === 'ok' ? 'ok' : 'other'}`}>{STATUS_LABEL[r.status] ?? r.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </TableCard>
      ) : null}

      <section className="section">
        <h2 className="section-title">By month</h2>
        {monthly.loading && !monthly.data ? (
          <Loading />
        ) : monthly.error ? (
          <ErrorState error={monthly.error} onRetry={monthly.reload} />
        ) : monthly.data && monthly.data.data.length === 0 ? (
          <p className="muted">Monthly totals appear after your first request.</p>
        ) : monthly.data ? (
          <TableCard testId="monthly-table" numeric>
            <thead>
              <tr>
                <th>Month</th>
                <th className="num">Calls</th>
                <th className="num hide-sm">Original tokens</th>
                <th className="num hide-sm">Compressed</th>
                <th className="num">Tokens saved</th>
                <th className="num">Avg. rate</th>
                <th className="num">Savings</th>
                <th className="num">Fees</th>
                <th className="num hide-sm">Charged</th>
              </tr>
            </thead>
            <tbody>
              {monthly.data.data.map((m) => (
                <tr key={m.month}>
                  <td className="nowrap card-head" data-label="">{monthLabel(m.month)}</td>
                  <td className="num" data-label="Calls">{int(m.calls)}</td>
                  <td className="num hide-sm" data-label="Original tokens">{int(m.originalInputTokens)}</td>
                  <td className="num hide-sm" data-label="Compressed tokens">{int(m.compressedInputTokens)}</td>
                  <td className="num" data-label="Tokens saved">{int(m.tokensSaved)}</td>
                  <td className="num" data-label="Avg. rate">{pct(m.avgCompressionRate)}</td>
                  <td className="num" data-label="Savings">{usd(m.savingsUsd)}</td>
                  <td className="num" data-label="Fees">{usd(m.feesUsd)}</td>
                  <td className="num hide-sm" data-label="Charged">{usd(m.chargedUsd)}</td>
                </tr>
              ))}
            </tbody>
          </TableCard>
        ) : null}
      </section>
    </>
  );
}
