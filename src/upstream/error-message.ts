// Turns an upstream's error response into a message that is safe to pass to the client and to
// logs: the provider's own `error.message` when there is one (that is what the user needs to fix a
// bad model name or an over-long prompt), with the upstream key and anything that looks like an
// API key masked, and bounded in length.

const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{6,}|sk_[A-Za-z0-9_-]{6,}|gsk_[A-Za-z0-9]{6,}|xai-[A-Za-z0-9]{6,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;
const MAX = 500;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(KEY_LIKE, '[redacted]');
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

/** Reads at most `limit` bytes of a body as text, discarding the rest. */
export async function readBodyText(body: AsyncIterable<Uint8Array> & { destroy?: () => void }, limit = 64 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) {
      parts.push(Buffer.from(chunk));
      size += chunk.length;
    }
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}
