// The Billing implementation the gateway uses (src/billing/types.ts): admission = per-key rate
// limits then the balance check; record = price + queue the usage row and charge (recorder.ts);
// flush/close for shutdown. Built from Config and the Store by the composition root (gateway/app.ts).
import { Redis } from 'ioredis';
import pino from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { Admission, BillableKey, Billing, UsageEvent } from './types.js';
import { loadPriceTable, type PriceTable } from './prices.js';
import { feeRatePpm, usdToMicros } from './fees.js';
import { BalanceCache, MIN_ADMIT_MICROS } from './balances.js';
import { KeyRateLimiter } from './rate-limit.js';
import { UsageRecorder, type BillingLogger } from './recorder.js';
import { billingMetrics, type BillingMetrics } from './metrics.js';

export type { Billing, BillableKey, Admission, UsageEvent } from './types.js';
export * as reports from './reports.js';

export interface BillingOptions {
  /** defaults to the built-in table with config.pricesFile merged on top */
  prices?: PriceTable;
  /** shared rate limits; by default a client is created from config.redisUrl when set */
  redis?: Redis;
  /** Redis key prefix (tests use a random one) */
  redisPrefix?: string;
  log?: BillingLogger;
  registry?: Registry;
  /** passed to the usage recorder */
  batchSize?: number;
  flushDelayMs?: number;
  maxQueue?: number;
  /** how long an admission may trust a cached balance (default 1000 ms) */
  balanceCacheMs?: number;
}

export class BillingService implements Billing {
  readonly prices: PriceTable;
  readonly limiter: KeyRateLimiter;
  readonly recorder: UsageRecorder;
  readonly balances: BalanceCache;
  private readonly metrics: BillingMetrics;
  private readonly ownRedis?: Redis;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    opts: BillingOptions = {},
  ) {
    feeRatePpm(config.feeRate); // validates 0 ≤ FEE_RATE ≤ 1 at start-up
    const log: BillingLogger = opts.log ?? pino({ level: config.logLevel, name: 'billing' });
    this.metrics = billingMetrics(opts.registry);
    this.prices = opts.prices ?? loadPriceTable(config.pricesFile);
    const freeCreditMicros = usdToMicros(config.freeCreditUsd);
    this.balances = new BalanceCache(store.db, freeCreditMicros, opts.balanceCacheMs ?? 1000);

    let redis = opts.redis;
    if (!redis && config.redisUrl) {
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
      this.ownRedis = redis;
    }
    let lastRedisError = 0;
    const onRedisError = (err: Error) => {
      if (Date.now() - lastRedisError < 10_000) return;
      lastRedisError = Date.now();
      log.error({ err: err.message }, 'billing: Redis unavailable; rate limits fall back to this process');
    };
    this.ownRedis?.on('error', onRedisError);
    this.limiter = new KeyRateLimiter({ redis, prefix: opts.redisPrefix, onRedisError, maxRequestMs: Math.max(60_000, config.upstreamHeadersTimeoutMs + 60_000) });

    this.recorder = new UsageRecorder({
      db: store.db,
      prices: this.prices,
      feeRate: config.feeRate,
      freeCreditMicros,
      balances: this.balances,
      metrics: this.metrics,
      log,
      batchSize: opts.batchSize,
      flushDelayMs: opts.flushDelayMs,
      maxQueue: opts.maxQueue,
    });
  }

  async admit(key: BillableKey, _request: { model: string }): Promise<Admission> {
    const rate = await this.limiter.acquire(key);
    if (!rate.ok) {
      this.metrics.rateLimited.inc({ limit: rate.limit });
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: rate.retryAfterSeconds, headers: rate.headers };
    }
    let balance: number;
    try {
      balance = await this.balances.get(key.accountId);
    } catch (err) {
      rate.release();
      throw err;
    }
    if (balance < MIN_ADMIT_MICROS) {
      rate.release();
      this.metrics.insufficientBalance.inc();
      return { ok: false, reason: 'insufficient_balance', headers: rate.headers };
    }
    return { ok: true, headers: rate.headers, release: rate.release };
  }

  record(event: UsageEvent): void {
    this.recorder.record(event);
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }

  /** Flush, then release what this instance opened (its Redis client). The store is the caller's. */
  async close(): Promise<void> {
    await this.recorder.close();
    if (this.ownRedis) {
      try {
        await this.ownRedis.quit();
      } catch {
        this.ownRedis.disconnect();
      }
    }
  }
}

export function createBilling(config: Config, store: Store, opts: BillingOptions = {}): BillingService {
  return new BillingService(config, store, opts);
}
