// Turns an upstream's error response into a message that is safe to pass to the client and to
// logs: the provider's own `error.message` when there is one (that is what the user needs to fix a
// bad model name or an over-long prompt), with the upstream key and anything that looks like an
// API key masked, and bounded in length. The one redaction of upstream text: error bodies, error
// events inside SSE streams (sse-relay.ts, the Anthropic stream translators) and anything else an
// upstream says that is passed to a client or a log goes through `redactSecrets` /
// `redactJsonText`. (Upstream bodies are read under a size cap: read-capped.ts.)

const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{6,}|sk_[A-Za-z0-9_-]{6,}|gsk_[A-Za-z0-9]{6,}|xai-[A-Za-z0-9]{6,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;
const MAX = 500;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]');
}

/**
 * A JSON text (an SSE event's data, an error body) with every string in it — keys too — passed
 * through redactSecrets, re-serialised; text that is not JSON is redacted as text. Parsing first
 * also catches a key written with JSON escapes (`\u0073k-…`).
 */
export function redactJsonText(text: string, secrets: readonly string[]): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactSecrets(text, secrets);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[redactSecrets(k, secrets)] = walk(x);
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(parsed));
}

/** true when `text` contains one of `secrets` (the exact values; cheap enough for every SSE chunk). */
export function containsSecret(text: string, secrets: readonly string[]): boolean {
  for (const s of secrets) if (s && s.length >= 4 && text.includes(s)) return true;
  return false;
}

export function upstreamErrorMessage(status: number, bodyText: string, secrets: readonly string[]): string {
  let detail = '';
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const err = parsed?.error;
    if (typeof err === 'string') detail = err;
    else if (err && typeof err.message === 'string') detail = err.message;
    else if (typeof parsed?.message === 'string') detail = parsed.message;
    else if (typeof parsed?.detail === 'string') detail = parsed.detail;
  } catch {
    detail = /<html/i.test(bodyText) ? '' : bodyText.trim();
  }
  detail = redactSecrets(detail, secrets).replace(/\s+/g, ' ').trim();
  if (detail.length > MAX) detail = detail.slice(0, MAX) + '…';
  return detail ? `Upstream returned ${status}: ${detail}` : `Upstream returned ${status}`;
}
