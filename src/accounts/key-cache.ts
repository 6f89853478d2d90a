// The verify cache: raw key → resolved key (or null for "no such key") for at most `ttlMs`
// (≤ 1 s). `sweep()` removes expired entries (keys.ts runs it on a timer). Bounded in size so a flood of random keys cannot grow it. `invalidate(keyId)` drops a
// key at once and also makes any lookup that was already in flight not cache its (stale) answer.
export interface CachedKey {
  id: string;
}

export interface LookupToken {
  epoch: number;
  startedAt: number;
}

interface Entry<T> {
  value: T | null;
  expires: number;
}

export class KeyCache<T extends CachedKey> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly cacheKeyById = new Map<string, string>();
  private epoch = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** undefined = not cached (look it up); null = cached "no such key / revoked" */
  get(cacheKey: string, now = Date.now()): T | null | undefined {
    const e = this.entries.get(cacheKey);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.delete(cacheKey);
      return undefined;
    }
    return e.value;
  }

  /**
   * Call before a lookup; pass the token to `set`. A set with a stale token (an invalidation
   * happened meanwhile) is ignored, and the entry's lifetime counts from the START of the lookup,
   * so an answer is never trusted for longer than the TTL after the database was read.
   */
  begin(now = Date.now()): LookupToken {
    return { epoch: this.epoch, startedAt: now };
  }

  set(cacheKey: string, value: T | null, token: LookupToken): void {
    if (token.epoch !== this.epoch || this.ttlMs <= 0) return;
    const now = token.startedAt;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    this.entries.delete(cacheKey); // re-insert at the end (insertion order = age)
    this.entries.set(cacheKey, { value, expires: now + this.ttlMs });
    if (value) this.cacheKeyById.set(value.id, cacheKey);
  }

  invalidate(keyId: string): void {
    this.epoch++;
    const cacheKey = this.cacheKeyById.get(keyId);
    if (cacheKey !== undefined) this.delete(cacheKey);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.cacheKeyById.clear();
  }

  /** Drop every expired entry (≤ maxEntries to scan; run every few seconds). */
  sweep(now = Date.now()): void {
    for (const [k, e] of this.entries) if (e.expires <= now) this.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(cacheKey: string): void {
    const e = this.entries.get(cacheKey);
    if (e?.value) this.cacheKeyById.delete(e.value.id);
    this.entries.delete(cacheKey);
  }
}
