// Token usage between the two API shapes. Anthropic reports `input_tokens` (uncached input only),
// `cache_read_input_tokens`, `cache_creation_input_tokens` and `output_tokens`; billing's
// CapturedUsage follows OpenAI, where `prompt_tokens` is the whole prompt and cached tokens are a
// part of it. So promptTokens = input + cache read + cache creation, cachedTokens = cache read,
// and the cache writes are kept apart (cacheWriteTokens / cacheWrite1hTokens, by the lifetime of
// `cache_creation`) because Anthropic bills them above the input price — and the reverse when an
// OpenAI-compatible upstream's usage is shown to an Anthropic client.
import type { CapturedUsage } from '../usage.js';

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0;
}

/** Anthropic usage object → CapturedUsage (null when there is none). */
export function readAnthropicUsage(raw: unknown): CapturedUsage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  if (typeof u.input_tokens !== 'number' && typeof u.output_tokens !== 'number') return null;
  const cacheRead = int(u.cache_read_input_tokens);
  const cacheWrite = int(u.cache_creation_input_tokens);
  const usage: CapturedUsage = {
    promptTokens: int(u.input_tokens) + cacheRead + cacheWrite,
    completionTokens: int(u.output_tokens),
    cachedTokens: cacheRead,
  };
  if (cacheWrite > 0) {
    // `cache_creation` splits the writes by lifetime; without it they are all 5-minute writes.
    const byTtl = u.cache_creation && typeof u.cache_creation === 'object' ? (u.cache_creation as Record<string, unknown>) : {};
    const oneHour = Math.min(int(byTtl.ephemeral_1h_input_tokens), cacheWrite);
    if (cacheWrite - oneHour > 0) usage.cacheWriteTokens = cacheWrite - oneHour;
    if (oneHour > 0) usage.cacheWrite1hTokens = oneHour;
  }
  return usage;
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** CapturedUsage (from an OpenAI-compatible upstream) → the usage an Anthropic client expects. */
export function toAnthropicUsage(u: CapturedUsage | null): AnthropicUsage {
  if (!u) return { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const writes = (u.cacheWriteTokens ?? 0) + (u.cacheWrite1hTokens ?? 0);
  return {
    input_tokens: Math.max(0, u.promptTokens - u.cachedTokens - writes),
    output_tokens: u.completionTokens,
    cache_read_input_tokens: u.cachedTokens,
    cache_creation_input_tokens: writes,
  };
}
