// Overview: balance, this month's numbers and 30-day charts; a getting-started guide when the
// account has no traffic yet.
import { api, type Meta } from '../api';
import { SavingsChart, TokensChart } from '../components/Charts';
import { PageHeader } from '../components/Layout';
import { QuickStart } from '../components/QuickStart';
import { StatCard } from '../components/StatCard';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { compact, int, monthLabel, pct, usdShort as usd } from '../format';
import { linkProps } from '../router';
import { useAsync } from '../useAsync';

export function OverviewPage({ meta }: { meta: Meta }) {
  const { data, error, loading, reload } = useAsync(() => api.overview(), []);
  return (
    <>
      <PageHeader title="Overview" subtitle={data ? `${monthLabel(data.month.month)} so far` : undefined} />
      {loading && !data ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : data ? (
        <>
          <section className="stats-grid" aria-label="This month">
            <StatCard label="Balance" value={usd(data.balanceUsd)} note="Prepaid credit" tone={data.balanceUsd <= 0 ? 'warn' : undefined} />
            <StatCard label="Calls this month" value={int(data.month.calls)} />
            <StatCard label="Tokens saved" value={compact(data.month.tokensSaved)} note={`${int(data.month.originalInputTokens)} → ${int(data.month.compressedInputTokens)}`} tone="good" />
            <StatCard label="Money saved" value={usd(data.month.savingsUsd)} note="On input tokens" tone="good" />
            <StatCard label="Fees" value={usd(data.month.feesUsd)} note={`${pct(meta.feeRate)} of savings`} />
            <StatCard label="Avg. compression" value={pct(data.month.avgCompressionRate)} note="Input tokens removed" />
          </section>
          {data.balanceUsd <= 0 && (
            <div className="notice notice-warn">Your balance is empty: requests are refused with 402 until credit is added. Contact your administrator.</div>
          )}
          {data.month.calls === 0 && data.daily.every((d) => d.calls === 0) ? (
            <EmptyState
              title={data.activeKeys === 0 ? 'Get started in two steps' : 'No requests yet'}
              action={
                data.activeKeys === 0 ? (
                  <a className="btn btn-primary" {...linkProps('/keys')}>
                    Create an API key
                  </a>
                ) : undefined
              }
            >
              {data.activeKeys === 0 ? (
                <ol className="steps">
                  <li>Create an API key — bring your own provider key, or use the router.</li>
                  <li>Point any OpenAI-compatible client at this base URL and use the key in place of your provider key.</li>
                </ol>
              ) : (
                <p>Point any OpenAI-compatible client at this base URL with your key, and your savings show up here.</p>
              )}
              <div className="base-url">
                <code>{meta.baseUrl.replace(/\/$/, '')}/v1</code>
              </div>
              <QuickStart baseUrl={meta.baseUrl} />
            </EmptyState>
          ) : (
            <div className="chart-grid">
              <section className="card">
                <h2 className="card-title">Input tokens, last 30 days</h2>
                <TokensChart points={data.daily} />
              </section>
              <section className="card">
                <h2 className="card-title">Money saved, last 30 days</h2>
                <SavingsChart points={data.daily} />
              </section>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}
