// Per-key rate limits (DESIGN.md §3 step 3): requests per minute and concurrent requests, each 0 =
// unlimited. In one process the counters live in memory; with a Redis client they live in Redis and
// every gateway process shares them. Requests per minute use rate-limiter-flexible (fixed 60 s
// window, with an in-memory "insurance" limiter when Redis is unreachable); concurrency uses a Redis
// sorted set of in-flight request ids (members expire after `maxRequestMs`, so a crashed process
// cannot leak slots forever).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimitedKey {
  id: string;
  rpm: number;
  concurrency: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string>; release(): void }
  | { ok: false; retryAfterSeconds: number; headers: Record<string, string>; limit: 'rpm' | 'concurrency' };

export interface RateLimiterOptions {
  redis?: Redis;
  /** a concurrency slot older than this is considered leaked (default 15 min) */
  maxRequestMs?: number;
  /** key prefix in Redis (tests use a random one) */
  prefix?: string;
  onRedisError?(err: Error): void;
}

// KEYS[1] = sorted set of in-flight request ids scored by expiry (ms).
// ARGV = limit, member, slot lifetime ms. Returns the new in-flight count, or -1 when full.
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[1]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return n + 1
`;

type RedisWithAcquire = Redis & {
  ocAcquireSlot(key: string, limit: number, member: string, lifetimeMs: number): Promise<number>;
};

/** X-RateLimit-* of a per-minute window: its limit, what is left of it, seconds until it resets. */
function rpmHeaders(rpm: number, used: number, resetSeconds: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(rpm),
    'X-RateLimit-Remaining': String(Math.max(0, rpm - used)),
    'X-RateLimit-Reset': String(resetSeconds),
  };
}

export class KeyRateLimiter {
  private readonly redis?: RedisWithAcquire;
  private readonly prefix: string;
  private readonly maxRequestMs: number;
  private counter?: RateLimiterAbstract;
  private readonly inFlight = new Map<string, number>();
  private readonly onRedisError: (err: Error) => void;

  constructor(opts: RateLimiterOptions = {}) {
    this.prefix = opts.prefix ?? 'oc';
    this.maxRequestMs = opts.maxRequestMs ?? 15 * 60_000;
    this.onRedisError = opts.onRedisError ?? (() => {});
    if (opts.redis) {
      this.redis = opts.redis as RedisWithAcquire;
      if (typeof this.redis.ocAcquireSlot !== 'function') {
        this.redis.defineCommand('ocAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE_LUA });
      }
    }
  }

  get shared(): boolean {
    return this.redis !== undefined;
  }

  /**
   * One counter per key and 60 s window, whatever the key's limit: the limiter never refuses by
   * itself (its own budget is unbounded) and `acquire` compares the count with the key's current
   * rpm, so changing a key's limit takes effect at once without resetting what it has used.
   */
  private get rpmLimiter(): RateLimiterAbstract {
    if (!this.counter) {
      const opts = { points: Number.MAX_SAFE_INTEGER, duration: 60, keyPrefix: `${this.prefix}:rpm` };
      const memory = new RateLimiterMemory(opts);
      this.counter = this.redis
        ? new RateLimiterRedis({ ...opts, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory;
    }
    return this.counter;
  }

  /** Take a concurrency slot, then one request of the minute's budget. */
  async acquire(key: LimitedKey): Promise<RateDecision> {
    const slot = await this.acquireSlot(key);
    if (!slot.ok) {
      const headers = await this.concurrencyRefusalHeaders(key);
      return { ok: false, limit: 'concurrency', retryAfterSeconds: 1, headers: { ...headers, 'Retry-After': '1' } };
    }
    if (!(key.rpm > 0)) return { ok: true, headers: {}, release: slot.release };

    let res: RateLimiterRes;
    try {
      res = await this.rpmLimiter.consume(key.id, 1);
    } catch (rejection) {
      // Neither Redis nor the insurance limiter answered: serve rather than fail closed.
      this.onRedisError(rejection instanceof Error ? rejection : new Error(String(rejection)));
      return { ok: true, headers: {}, release: slot.release };
    }
    const allowed = res.consumedPoints <= key.rpm;
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    const headers = rpmHeaders(key.rpm, res.consumedPoints, resetSeconds);
    if (!allowed) {
      slot.release();
      return { ok: false, limit: 'rpm', retryAfterSeconds: resetSeconds, headers: { ...headers, 'Retry-After': String(resetSeconds) } };
    }
    return { ok: true, headers, release: slot.release };
  }

  /**
   * X-RateLimit-* of a request refused for concurrency. With an rpm limit: the rpm window's current
   * numbers, read without counting the refused request (the same meaning the headers have on every
   * other answer of the key: Limit = rpm, Remaining = what is left of this minute, Reset = seconds
   * until the window resets). With unlimited rpm there is no window, so they describe the
   * concurrency limit: Limit = concurrent requests, Remaining = 0, Reset = 1 (= Retry-After).
   */
  private async concurrencyRefusalHeaders(key: LimitedKey): Promise<Record<string, string>> {
    if (key.rpm > 0) {
      try {
        const res = await this.rpmLimiter.get(key.id);
        return rpmHeaders(key.rpm, res?.consumedPoints ?? 0, res ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 60);
      } catch (rejection) {
        this.onRedisError(rejection instanceof Error ? rejection : new Error(String(rejection)));
      }
    }
    return { 'X-RateLimit-Limit': String(key.concurrency), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' };
  }

  private async acquireSlot(key: LimitedKey): Promise<{ ok: boolean; release: () => void }> {
    if (!(key.concurrency > 0)) return { ok: true, release: () => {} };
    if (this.redis && this.redis.status === 'ready') {
      const setKey = `${this.prefix}:conc:${key.id}`;
      const member = randomUUID();
      try {
        const n = await this.redis.ocAcquireSlot(setKey, key.concurrency, member, this.maxRequestMs);
        if (n < 0) return { ok: false, release: () => {} };
        return {
          ok: true,
          release: once(() => {
            this.redis!.zrem(setKey, member).catch((err: Error) => this.onRedisError(err));
          }),
        };
      } catch (err) {
        this.onRedisError(err as Error);
      }
    }
    // In-process counting (no Redis, or Redis unavailable right now).
    const n = this.inFlight.get(key.id) ?? 0;
    if (n >= key.concurrency) return { ok: false, release: () => {} };
    this.inFlight.set(key.id, n + 1);
    return {
      ok: true,
      release: once(() => {
        const left = (this.inFlight.get(key.id) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(key.id);
        else this.inFlight.set(key.id, left);
      }),
    };
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
