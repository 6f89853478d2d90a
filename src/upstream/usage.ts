// Reads an upstream's token usage (and OpenRouter's `usage.cost`) out of a response body or a
// stream chunk into one normalised shape that billing's UsageEvent is built from.

export interface CapturedUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /**
   * prompt tokens written to the prompt cache (Anthropic `cache_creation_input_tokens`), part of
   * promptTokens and disjoint from cachedTokens: with the default 5-minute lifetime…
   */
  cacheWriteTokens?: number;
  /** …and with the 1-hour lifetime (`cache_creation.ephemeral_1h_input_tokens`), priced higher */
  cacheWrite1hTokens?: number;
  /** USD, when the upstream reports the request's price (OpenRouter) */
  costUsd?: number;
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0;
}

/** Normalises an OpenAI-style usage object; null when there is none. */
export function readUsage(raw: unknown): CapturedUsage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  if (typeof u.prompt_tokens !== 'number' && typeof u.completion_tokens !== 'number') return null;
  const details = (u.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const usage: CapturedUsage = {
    promptTokens: int(u.prompt_tokens),
    completionTokens: int(u.completion_tokens),
    cachedTokens: int(details.cached_tokens ?? u.cached_tokens),
  };
  if (typeof u.cost === 'number' && Number.isFinite(u.cost) && u.cost >= 0) usage.costUsd = u.cost;
  return usage;
}
