// API keys: the account's keys with their status and last use; create, reveal once, revoke, limits.
import { useState } from 'react';
import { api, type ApiKey, type CreatedKey, type Meta } from '../api';
import { PageHeader } from '../components/Layout';
import { QuickStart } from '../components/QuickStart';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { TableCard } from '../components/TableCard';
import { ago, date } from '../format';
import { useAsync } from '../useAsync';
import { CreateKeyDialog, LimitsDialog, RevealKeyDialog, RevokeKeyDialog } from './KeyForms';

function limitText(n: number, unit: string): string {
  return n === 0 ? `unlimited ${unit.replace('/min', 'rpm')}` : `${n}${unit.startsWith('/') ? '' : ' '}${unit}`;
}

/** The preset's human label ("Azure OpenAI") for the provider id stored on the key ("azure"). */
function providerLabel(meta: Meta, id: string | null): string {
  if (!id) return 'Custom';
  const label = meta.presets.find((p) => p.id === id)?.label;
  return label ? label.replace(/ \(.*\)$/, '') : (OTHER_PROVIDERS[id] ?? id.charAt(0).toUpperCase() + id.slice(1));
}

/** Providers the CLI accepts (accounts/key-input.ts) that have no dashboard preset. */
const OTHER_PROVIDERS: Record<string, string> = { openrouter: 'OpenRouter', mistral: 'Mistral', deepseek: 'DeepSeek', vllm: 'vLLM', ollama: 'Ollama' };

export function KeysPage({ meta }: { meta: Meta }) {
  const { data, error, loading, reload } = useAsync(() => api.keys(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [editing, setEditing] = useState<ApiKey>();
  const activeCount = data?.activeCount ?? 0;
  const atLimit = data ? activeCount >= data.maxActive : false;

  return (
    <>
      <PageHeader
        title="API keys"
        subtitle={data ? `${activeCount} of ${data.maxActive} active keys in use. Keys start with sk-occ- and are shown only once.` : undefined}
        actions={
          <button className="btn btn-primary" onClick={() => setCreating(true)} disabled={!data || atLimit} title={atLimit ? `At most ${meta.maxActiveKeys} active keys: revoke one first` : undefined}>
            Create key
          </button>
        }
      />
      {atLimit && <div className="notice">You have reached the limit of {meta.maxActiveKeys} active keys. Revoke a key you no longer use to create a new one.</div>}
      {loading && !data ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : data && data.data.length === 0 ? (
        <EmptyState
          title="No API keys yet"
          action={
            <button className="btn btn-primary" onClick={() => setCreating(true)}>
              Create your first key
            </button>
          }
        >
          <p>Create a key, then use it in place of your provider key with this base URL:</p>
          <QuickStart baseUrl={meta.baseUrl} />
        </EmptyState>
      ) : data ? (
        <TableCard testId="keys-table" compact>
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Mode</th>
              <th className="hide-md">Created</th>
              <th>Last used</th>
              <th className="hide-sm">Settings</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {data.data.map((k) => (
              <tr key={k.id} className={k.status === 'revoked' ? 'row-muted' : undefined} data-key-id={k.id}>
                <td className="card-head key-name" data-label="">
                  <div className="cell-strong">{k.name}</div>
                  {k.mode === 'byok' && (
                    <div className="cell-sub" title={k.upstreamBaseUrl ?? undefined}>
                      {providerLabel(meta, k.upstreamProvider)}
                      {k.upstreamKeyLast4 ? ` · key …${k.upstreamKeyLast4}` : ''}
                    </div>
                  )}
                </td>
                <td data-label="Key">
                  <code className="key-prefix">{k.prefix}</code>
                </td>
                <td data-label="Mode">
                  <span className={`badge badge-${k.mode}`}>{k.mode === 'byok' ? 'BYOK' : 'Router'}</span>
                </td>
                <td className="hide-md nowrap" data-label="Created">{date(k.createdAt)}</td>
                <td className="nowrap" data-label="Last used" title={k.lastUsedAt ? `Last used ${k.lastUsedAt}; created ${k.createdAt}` : `Created ${k.createdAt}`}>
                  {ago(k.lastUsedAt)}
                </td>
                <td className="hide-sm" data-label="Settings">
                  <div>
                    <div className="capitalize">{k.level ?? 'balanced'}</div>
                    <div className="cell-sub">
                      {limitText(k.rpm, '/min')} · {limitText(k.concurrency, 'concurrent')}
                    </div>
                  </div>
                </td>
                <td data-label="Status">
                  <span className={`badge badge-${k.status}`}>{k.status === 'active' ? 'Active' : 'Revoked'}</span>
                </td>
                <td className="actions" data-label="">
                  {k.status === 'active' && (
                    <>
                      <button className="btn btn-ghost btn-sm" onClick={() => setEditing(k)}>
                        Settings
                      </button>
                      <button className="btn btn-danger-ghost btn-sm" onClick={() => setRevoking(k)}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableCard>
      ) : null}
      {creating && data && (
        <CreateKeyDialog
          meta={meta}
          activeCount={activeCount}
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            reload();
          }}
        />
      )}
      {created && <RevealKeyDialog created={created} baseUrl={meta.baseUrl} onClose={() => setCreated(undefined)} />}
      {revoking && (
        <RevokeKeyDialog
          apiKey={revoking}
          onClose={() => setRevoking(undefined)}
          onRevoked={() => {
            setRevoking(undefined);
            reload();
          }}
        />
      )}
      {editing && (
        <LimitsDialog
          apiKey={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            reload();
          }}
        />
      )}
    </>
  );
}
