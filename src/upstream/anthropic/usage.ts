// Token usage between the two API shapes. Anthropic reports `input_tokens` (uncached input only),
// `cache_read_input_tokens`, `cache_creation_input_tokens` and `output_tokens`; billing's
// CapturedUsage follows OpenAI, where `prompt_tokens` is the whole prompt and cached tokens are a
// part of it. So promptTokens = input + cache read + cache creation, cachedTokens = cache read —
// and the reverse when an OpenAI-compatible upstream's usage is shown to an Anthropic client.
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
  return {
    promptTokens: int(u.input_tokens) + cacheRead + int(u.cache_creation_input_tokens),
    completionTokens: int(u.output_tokens),
    cachedTokens: cacheRead,
  };
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
  return {
    input_tokens: Math.max(0, u.promptTokens - u.cachedTokens),
    output_tokens: u.completionTokens,
    cache_read_input_tokens: u.cachedTokens,
    cache_creation_input_tokens: 0,
  };
}
