// The seam between the gateway's request flow and billing (DESIGN.md §3 steps 3–4 and 8).
// Billing decides; the gateway renders the decision as HTTP (headers, 402, 429).

export type KeyMode = 'router' | 'byok';

export interface BillableKey {
  id: string;
  accountId: string;
  mode: KeyMode;
  /** requests per minute, 0 = unlimited */
  rpm: number;
  /** concurrent requests, 0 = unlimited */
  concurrency: number;
}

export type Admission =
  | {
      ok: true;
      /** X-RateLimit-Limit / -Remaining / -Reset to add to the response */
      headers: Record<string, string>;
      /** call exactly once when the request (including its stream) has finished */
      release(): void;
    }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number; headers: Record<string, string> }
  | { ok: false; reason: 'insufficient_balance'; headers: Record<string, string> };

export type UsageStatus =
  | 'ok'
  | 'upstream_error'
  | 'client_aborted'
  | 'guard_reverted'
  | 'not_compressed'
  | 'invalid_request';

export interface UsageEvent {
  requestId: string;
  at: Date;
  accountId: string;
  keyId: string;
  mode: KeyMode;
  model: string;
  /** engine's count of the prompt before compression */
  originalInputTokens: number;
  /** upstream usage.prompt_tokens when reported, else the engine's count after compression */
  compressedInputTokens: number;
  /** true when compressedInputTokens came from the upstream's usage */
  usageReported: boolean;
  outputTokens: number;
  cachedInputTokens: number;
  /** prompt-cache writes (Anthropic), part of compressedInputTokens and disjoint from the cached ones: 5-minute lifetime */
  cacheWriteTokens?: number;
  /** …1-hour lifetime */
  cacheWrite1hTokens?: number;
  /** OpenRouter's usage.cost in USD when present */
  upstreamCostUsd?: number;
  status: UsageStatus;
  latencyMs: number;
}

export interface Billing {
  admit(key: BillableKey, request: { model: string }): Promise<Admission>;
  /** queue a usage row and its charge; never throws, never blocks the response */
  record(event: UsageEvent): void;
  /** write everything queued (shutdown) */
  flush(): Promise<void>;
  /** flush, then release connections this billing opened (its Redis client); call after flush() at shutdown */
  close?(): Promise<void>;
}
