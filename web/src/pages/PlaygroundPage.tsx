// Playground: run the compression engine on a pasted prompt or chat JSON and compare the result
// with the original, message by message. Nothing is sent to any model.
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, type ChatMessage, type Meta, type PlaygroundResult } from '../api';
import { PageHeader } from '../components/Layout';
import { StatCard } from '../components/StatCard';
import { InlineError } from '../components/States';
import { diffTexts, type Segment } from '../diff';
import { int, pct, usd, usdShort } from '../format';

const LEVELS = [
  { id: 'lossless', label: 'Lossless', hint: 'Re-encode only: whitespace, JSON, tables, repeated lines.' },
  { id: 'balanced', label: 'Balanced', hint: 'Lossless plus query-aware selection. The default.' },
  { id: 'aggressive', label: 'Aggressive', hint: 'Smaller budgets, larger savings.' },
];

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-5', 'claude-sonnet-4.5', 'llama-3.3-70b-instruct'];

const EXAMPLE = JSON.stringify(
  {
    messages: [
      { role: 'system', content: 'You are a support assistant for an online shop.' },
      {
        role: 'user',
        content:
          'Here are the recent orders:\n' +
          JSON.stringify(
            [
              { id: 1001, customer: 'Ana', status: 'shipped', total: 42.5, currency: 'EUR' },
              { id: 1002, customer: 'Ben', status: 'pending', total: 19.99, currency: 'EUR' },
              { id: 1003, customer: 'Chloé', status: 'shipped', total: 120, currency: 'EUR' },
              { id: 1004, customer: 'Dev', status: 'refunded', total: 8.25, currency: 'EUR' },
            ],
            null,
            2,
          ) +
          '\n\nI basically just wanted to quickly ask, if it is not too much trouble, which of these orders have actually been refunded so far?',
      },
    ],
  },
  null,
  2,
);

function textOf(m: ChatMessage | undefined): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content))
    return m.content
      .map((p: unknown) => (p && typeof p === 'object' && (p as { type?: string }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : `[${(p as { type?: string })?.type ?? 'part'}]`))
      .join('\n');
  return m.content == null ? '' : JSON.stringify(m.content);
}

function parseInput(input: string): { messages?: ChatMessage[]; text?: string } {
  const t = input.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return { messages: v as ChatMessage[] };
      if (v && typeof v === 'object' && Array.isArray((v as { messages?: unknown }).messages)) return { messages: (v as { messages: ChatMessage[] }).messages };
    } catch {
      /* plain text that happens to start with a bracket */
    }
  }
  return { text: input };
}

function Highlighted({ segments, kind }: { segments: Segment[]; kind: 'removed' | 'added' }) {
  return (
    <pre className="diff-text">
      {segments.map((s, i) =>
        s.changed ? (
          <mark key={i} className={`diff-${kind}`}>
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </pre>
  );
}

function MessageDiff({ original, compressed, stat }: { original: ChatMessage; compressed: ChatMessage; stat?: PlaygroundResult['stats']['messages'][number] }) {
  const d = useMemo(() => diffTexts(textOf(original), textOf(compressed)), [original, compressed]);
  const saved = stat && stat.originalTokens > 0 ? 1 - stat.compressedTokens / stat.originalTokens : 0;
  return (
    <div className="card diff-card">
      <div className="diff-head">
        <span className="badge badge-role">{original.role}</span>
        {stat && (
          <span className="cell-sub">
            {int(stat.originalTokens)} → {int(stat.compressedTokens)} tokens{saved > 0 ? ` (−${pct(saved)})` : ''}
            {stat.transforms.length > 0 && ` · ${stat.transforms.join(', ')}`}
            {stat.guard === 'reverted' && ` · kept original${stat.reason ? `: ${stat.reason}` : ''}`}
            {stat.guard === 'skipped' && ' · not compressed (role)'}
          </span>
        )}
      </div>
      <div className="diff-cols">
        <div>
          <div className="diff-label">Original</div>
          <Highlighted segments={d.original} kind="removed" />
        </div>
        <div>
          <div className="diff-label">Compressed</div>
          <Highlighted segments={d.compressed} kind="added" />
        </div>
      </div>
    </div>
  );
}

export function PlaygroundPage({ meta }: { meta: Meta }) {
  const [input, setInput] = useState('');
  const [level, setLevel] = useState('balanced');
  const [model, setModel] = useState('gpt-4o-mini');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<PlaygroundResult>();

  async function run(e: FormEvent) {
    e.preventDefault();
    if (!input.trim()) return setError('Paste a prompt or a chat JSON first.');
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.playground({ ...parseInput(input), level, model }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Compression failed.');
    } finally {
      setBusy(false);
    }
  }

  const s = result?.stats;
  return (
    <>
      <PageHeader title="Playground" subtitle="See what compression does to a prompt. Nothing is sent to a model and nothing is charged." />
      <form className="card form playground-form" onSubmit={run}>
        <label className="field">
          <span>Prompt or chat JSON</span>
          <textarea
            name="input"
            rows={10}
            spellCheck={false}
            placeholder={'Paste plain text, a messages array, or a whole chat completion request {"messages": [...]}'}
            value={input}
            onChange={(e) => setInput(e.target.value)}
          />
          <small className="hint">Up to {int(meta.playgroundMaxChars)} characters of message text.</small>
        </label>
        <div className="playground-controls">
          <label className="field">
            <span>Level</span>
            <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
              {LEVELS.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Model (tokenizer and price)</span>
            <input name="model" list="models" value={model} onChange={(e) => setModel(e.target.value)} />
            <datalist id="models">
              {MODELS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </label>
          <div className="playground-buttons">
            <button type="button" className="btn btn-ghost" onClick={() => setInput(EXAMPLE)}>
              Load example
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Compressing…' : 'Compress'}
            </button>
          </div>
        </div>
        <small className="hint">{LEVELS.find((l) => l.id === level)?.hint}</small>
        <InlineError message={error} />
      </form>
      {result && s && (
        <section className="section" data-testid="playground-result">
          <div className="stats-grid">
            <StatCard label="Original" value={`${int(s.originalTokens)} tokens`} note={`Tokenizer: ${s.tokenizer}`} />
            <StatCard label="Compressed" value={`${int(s.compressedTokens)} tokens`} note={`${s.ms.toFixed(1)} ms`} />
            <StatCard label="Saved" value={pct(s.originalTokens ? s.savedTokens / s.originalTokens : 0)} note={`${int(s.savedTokens)} tokens`} tone="good" />
            <StatCard label="Savings per call" value={result.savingsUsd == null ? '—' : usdShort(result.savingsUsd)} note={result.savingsUsd == null ? 'Model not in the price table' : `${usd(result.savingsUsd * 1000)} per 1,000 calls at ${model} prices`} tone="good" />
          </div>
          <div className="diff-legend">
            <mark className="diff-removed">removed</mark> <mark className="diff-added">rewritten or added</mark>
          </div>
          {result.original.map((m, i) => (
            <MessageDiff key={i} original={m} compressed={result.compressed[i] ?? { role: m.role, content: '' }} stat={s.messages.find((x) => x.index === i)} />
          ))}
        </section>
      )}
    </>
  );
}
