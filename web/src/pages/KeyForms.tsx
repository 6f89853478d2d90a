// The key dialogs: create (Router or BYOK with upstream presets), show-once reveal, revoke
// confirmation and rate-limit editing.
import { useState, type FormEvent } from 'react';
import { api, ApiError, type ApiKey, type CreatedKey, type KeyMode, type Meta } from '../api';
import { CopyButton } from '../components/CopyButton';
import { Modal } from '../components/Modal';
import { QuickStart } from '../components/QuickStart';
import { InlineError } from '../components/States';

export const LEVEL_OPTIONS = [
  { id: 'balanced', label: 'Balanced (recommended)' },
  { id: 'lossless', label: 'Lossless — re-encode only' },
  { id: 'aggressive', label: 'Aggressive — largest savings' },
  { id: 'off', label: 'Off — forward unchanged' },
];

/** A preset base URL such as Azure's https://YOUR-RESOURCE.openai.azure.com/… is a template: it is
 *  shown as placeholder text, never filled in, and the form (and the server) refuse it unchanged. */
const TEMPLATE = /YOUR-RESOURCE/i;

function presetValue(p: { baseUrl: string } | undefined): string {
  return p && !TEMPLATE.test(p.baseUrl) ? p.baseUrl : '';
}

function errText(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Something went wrong. Please try again.';
}

export function CreateKeyDialog({ meta, activeCount, onClose, onCreated }: { meta: Meta; activeCount: number; onClose: () => void; onCreated: (k: CreatedKey) => void }) {
  const [name, setName] = useState('');
  const [mode, setMode] = useState<KeyMode>(meta.routerAvailable ? 'router' : 'byok');
  const [preset, setPreset] = useState(meta.presets[0]?.id ?? 'custom');
  const [baseUrl, setBaseUrl] = useState(presetValue(meta.presets[0]));
  const [upstreamKey, setUpstreamKey] = useState('');
  const [level, setLevel] = useState('balanced');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const atLimit = activeCount >= meta.maxActiveKeys;
  const current = meta.presets.find((p) => p.id === preset);

  function choosePreset(id: string) {
    setPreset(id);
    const p = meta.presets.find((x) => x.id === id);
    setBaseUrl(presetValue(p));
    setError(undefined);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (!name.trim()) return setError('Give the key a name so you can recognise it later.');
    if (mode === 'byok' && !baseUrl.trim()) return setError(current && TEMPLATE.test(current.baseUrl) ? `Enter your upstream base URL, e.g. ${current.baseUrl} with YOUR-RESOURCE replaced by your resource name.` : 'Enter the upstream base URL.');
    if (mode === 'byok' && TEMPLATE.test(baseUrl)) return setError('Replace YOUR-RESOURCE in the base URL with your resource name.');
    if (mode === 'byok' && !upstreamKey.trim()) return setError('Enter your upstream provider key.');
    setBusy(true);
    try {
      const created = await api.createKey(
        mode === 'byok'
          ? { name: name.trim(), mode, level, upstreamPreset: preset, upstreamBaseUrl: baseUrl.trim(), upstreamKey: upstreamKey.trim() }
          : { name: name.trim(), mode, level },
      );
      setUpstreamKey('');
      onCreated(created);
    } catch (err) {
      setError(errText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title="Create an API key"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="create-key" className="btn btn-primary" disabled={busy || atLimit}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </>
      }
    >
      <form id="create-key" className="form" onSubmit={submit} noValidate>
        <p className="hint">
          You can have up to {meta.maxActiveKeys} active keys; you have {activeCount}. {atLimit ? 'Revoke a key before creating another one.' : ''}
        </p>
        <label className="field">
          <span>Name</span>
          <input name="name" placeholder="e.g. Production backend" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="field">
          <legend>Mode</legend>
          <div className="choice-grid">
            <label className={`choice${mode === 'router' ? ' selected' : ''}${meta.routerAvailable ? '' : ' disabled'}`}>
              <input type="radio" name="mode" value="router" checked={mode === 'router'} disabled={!meta.routerAvailable} onChange={() => setMode('router')} />
              <strong>Router</strong>
              <small>{meta.routerAvailable ? 'We call the model for you. You pay the LLM cost plus the fee from your balance.' : 'Not configured on this server.'}</small>
            </label>
            <label className={`choice${mode === 'byok' ? ' selected' : ''}`}>
              <input type="radio" name="mode" value="byok" checked={mode === 'byok'} onChange={() => setMode('byok')} />
              <strong>Bring your own key</strong>
              <small>We forward to your provider with your key. You pay only the fee on what compression saves.</small>
            </label>
          </div>
        </fieldset>
        <label className="field">
          <span>Compression level</span>
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {LEVEL_OPTIONS.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
          <small className="hint">
            The default for requests with this key; a request can override it with the <code>x-opencompress-level</code> header.
          </small>
        </label>
        {mode === 'byok' && (
          <>
            <label className="field">
              <span>Provider</span>
              <select name="preset" value={preset} onChange={(e) => choosePreset(e.target.value)}>
                {meta.presets.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Upstream base URL</span>
              <input
                name="upstreamBaseUrl"
                inputMode="url"
                placeholder={current?.baseUrl || 'https://…/v1'}
                aria-invalid={TEMPLATE.test(baseUrl) || undefined}
                value={baseUrl}
                onChange={(e) => setBaseUrl(e.target.value)}
              />
              {current?.hint && <small className="hint">{current.hint}</small>}
            </label>
            <label className="field">
              <span>Upstream API key</span>
              <input name="upstreamKey" type="password" autoComplete="off" placeholder="Your provider key" value={upstreamKey} onChange={(e) => setUpstreamKey(e.target.value)} />
              <small className="hint">Stored encrypted. It is never shown again — only its last 4 characters.</small>
            </label>
          </>
        )}
        <InlineError message={error} />
      </form>
    </Modal>
  );
}

export function RevealKeyDialog({ created, baseUrl, onClose }: { created: CreatedKey; baseUrl: string; onClose: () => void }) {
  return (
    <Modal
      title="Your new API key"
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          I have saved my key
        </button>
      }
    >
      <div className="notice notice-warn">Copy this key now. For your security it is shown only once and cannot be recovered; if you lose it, revoke it and create a new one.</div>
      <div className="secret-row">
        <code className="secret" data-testid="new-key">
          {created.secret}
        </code>
        <CopyButton value={created.secret} className="btn btn-primary btn-sm" />
      </div>
      <p className="hint">Use it with any OpenAI-compatible client:</p>
      <QuickStart baseUrl={baseUrl} apiKey={created.secret} />
    </Modal>
  );
}

export function RevokeKeyDialog({ apiKey, onClose, onRevoked }: { apiKey: ApiKey; onClose: () => void; onRevoked: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function revoke() {
    setBusy(true);
    setError(undefined);
    try {
      await api.revokeKey(apiKey.id);
      onRevoked();
    } catch (err) {
      setError(errText(err));
      setBusy(false);
    }
  }
  return (
    <Modal
      title="Revoke this key?"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={revoke} disabled={busy}>
            {busy ? 'Revoking…' : 'Revoke key'}
          </button>
        </>
      }
    >
      <p>
        <strong>{apiKey.name}</strong> (<code>{apiKey.prefix}</code>) will stop working immediately. Applications using it will get 401 errors. This cannot be undone.
      </p>
      <InlineError message={error} />
    </Modal>
  );
}

export function LimitsDialog({ apiKey, onClose, onSaved }: { apiKey: ApiKey; onClose: () => void; onSaved: () => void }) {
  const [rpm, setRpm] = useState(String(apiKey.rpm));
  const [concurrency, setConcurrency] = useState(String(apiKey.concurrency));
  const [level, setLevel] = useState(apiKey.level ?? 'balanced');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function save(e: FormEvent) {
    e.preventDefault();
    const r = Number(rpm);
    const c = Number(concurrency);
    if (!Number.isInteger(r) || r < 0 || !Number.isInteger(c) || c < 0) return setError('Limits are whole numbers, 0 or more (0 = unlimited).');
    setBusy(true);
    setError(undefined);
    try {
      await api.updateKey(apiKey.id, { rpm: r, concurrency: c, level });
      onSaved();
    } catch (err) {
      setError(errText(err));
      setBusy(false);
    }
  }
  return (
    <Modal
      title={`Key settings · ${apiKey.name}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="limits" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save settings'}
          </button>
        </>
      }
    >
      <form id="limits" className="form" onSubmit={save} noValidate>
        <label className="field">
          <span>Compression level</span>
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {LEVEL_OPTIONS.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            <span>Requests per minute</span>
            <input name="rpm" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
          </label>
          <label className="field">
            <span>Concurrent requests</span>
            <input name="concurrency" inputMode="numeric" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
          </label>
        </div>
        <small className="hint">0 means unlimited. Requests over the limit get 429 with a Retry-After header.</small>
        <InlineError message={error} />
      </form>
    </Modal>
  );
}
