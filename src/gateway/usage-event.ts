// Builds the UsageEvent billing records for one chat request (billing/types.ts), after the answer
// was sent. Token rule: when the upstream reported usage, its prompt_tokens is the compressed count
// and original = reported + tokens the engine removed (both measured on the same basis); otherwise
// the engine's own counts are used (and for level `off`, the messages are counted now, off the
// latency path). Status: a failed upstream → upstream_error (4xx: invalid_request), a client that
// left → client_aborted, nothing compressed → guard_reverted (when the guard reverted something)
// or not_compressed, else ok.
import type { UsageEvent, UsageStatus } from '../billing/types.js';
import type { ChatMessage, CompressStats } from '../compress/types.js';
import type { CapturedUsage } from '../upstream/usage.js';
import type { CountTokensFn, GatewayKey } from './context.js';

export interface ChatRun {
  requestId: string;
  at: Date;
  key: GatewayKey;
  mode: 'router' | 'byok';
  model: string;
  messages: ChatMessage[];
  stats: CompressStats | null;
  /** the compressed messages were sent */
  applied: boolean;
  usage: CapturedUsage | null;
  /** set when the upstream failed or rejected the request */
  failure: 'upstream_error' | 'invalid_request' | null;
  clientAborted: boolean;
  /** a non-streamed body, for reading its usage after the response */
  responseCopy: Buffer[] | null;
}

function messagesText(messages: ChatMessage[]): string {
  let text = '';
  for (const m of messages) {
    if (typeof m.content === 'string') text += m.content + '\n';
    else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text' && typeof p.text === 'string') text += p.text + '\n';
  }
  return text;
}

export function usageStatus(run: ChatRun): UsageStatus {
  if (run.failure) return run.failure;
  if (run.clientAborted) return 'client_aborted';
  if (!run.applied) return run.stats?.messages.some((m) => m.guard === 'reverted') ? 'guard_reverted' : 'not_compressed';
  return 'ok';
}

export function buildUsageEvent(run: ChatRun, latencyMs: number, countTokens: CountTokensFn): UsageEvent {
  const saved = run.applied && run.stats ? Math.max(0, run.stats.originalTokens - run.stats.compressedTokens) : 0;
  let original: number;
  let compressed: number;
  if (run.usage) {
    compressed = run.usage.promptTokens;
    original = compressed + saved;
  } else if (run.stats) {
    original = run.stats.originalTokens;
    compressed = original - saved;
  } else {
    original = compressed = countTokens(messagesText(run.messages), run.model);
  }
  const event: UsageEvent = {
    requestId: run.requestId,
    at: run.at,
    accountId: run.key.accountId,
    keyId: run.key.id,
    mode: run.mode,
    model: run.model,
    originalInputTokens: original,
    compressedInputTokens: compressed,
    usageReported: run.usage !== null,
    outputTokens: run.usage?.completionTokens ?? 0,
    cachedInputTokens: run.usage?.cachedTokens ?? 0,
    status: usageStatus(run),
    latencyMs: Math.round(latencyMs),
  };
  if (run.usage?.costUsd !== undefined) event.upstreamCostUsd = run.usage.costUsd;
  if (run.usage?.cacheWriteTokens) event.cacheWriteTokens = run.usage.cacheWriteTokens;
  if (run.usage?.cacheWrite1hTokens) event.cacheWrite1hTokens = run.usage.cacheWrite1hTokens;
  return event;
}
