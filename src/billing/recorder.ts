// Usage rows and charges, off the latency path (DESIGN.md §6): `record()` prices the request (pure
// arithmetic, microseconds) and queues it; a background writer takes up to `batchSize` rows at a time
// and, in ONE transaction per batch, charges each account (atomic, never below zero, what could not
// be covered recorded as `shortfall`) and inserts the usage rows with one multi-row INSERT. Batches
// are large and infrequent on purpose (up to 500 rows, a write at most every 200 ms unless a full
// batch is waiting): per-batch costs (transaction, commit, statement preparation) then amount to
// little per row at thousands of requests per second. A batch that fails stays at the head
// of the queue and is retried with backoff; the queue is bounded (`maxQueue`): beyond it new rows are
// dropped, counted in a metric and logged — never silently. `flush()` (shutdown) writes everything.
import type { Kysely } from 'kysely';
import type { Database, NewUsageRow } from '../store/schema.js';
import { chargeAccount } from '../store/ledger.js';
import { insertUsageRows, newRowId, USAGE_ROWS_PER_INSERT } from '../store/usage.js';
import type { UsageEvent } from './types.js';
import type { PriceTable } from './prices.js';
import { priceRequest } from './fees.js';
import { ensureBalance, type BalanceCache } from './balances.js';
import type { BillingMetrics } from './metrics.js';

export interface BillingLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RecorderOptions {
  db: Kysely<Database>;
  prices: PriceTable;
  feeRate: number;
  freeCreditMicros: number;
  balances: BalanceCache;
  metrics: BillingMetrics;
  log: BillingLogger;
  /** rows per transaction (default 500 = USAGE_ROWS_PER_INSERT: one INSERT per batch) */
  batchSize?: number;
  /** how long a row may wait for companions before a write starts (default 200 ms) */
  flushDelayMs?: number;
  /** rows held in memory at most (default 50,000) */
  maxQueue?: number;
}

interface Pending {
  row: NewUsageRow;
  /** what the request owes before the balance cap */
  due: number;
}

export class UsageRecorder {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private retryingIds = false;
  private readonly knownAccounts = new Set<string>();
  private readonly warnedModels = new Set<string>();
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private closed = false;
  private readonly batchSize: number;
  private readonly flushDelayMs: number;
  private readonly maxQueue: number;

  constructor(private readonly o: RecorderOptions) {
    this.batchSize = o.batchSize ?? USAGE_ROWS_PER_INSERT;
    this.flushDelayMs = o.flushDelayMs ?? 200;
    this.maxQueue = o.maxQueue ?? 50_000;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Price and queue one request. Never throws. */
  record(e: UsageEvent): void {
    try {
      const price = this.o.prices.lookup(e.model);
      if (!price) this.warnUnknownModel(e.model);
      const p = priceRequest(
        {
          mode: e.mode,
          status: e.status,
          originalInputTokens: e.originalInputTokens,
          compressedInputTokens: e.compressedInputTokens,
          cachedInputTokens: e.cachedInputTokens,
          cacheWriteTokens: e.cacheWriteTokens,
          cacheWrite1hTokens: e.cacheWrite1hTokens,
          outputTokens: e.outputTokens,
          usageReported: e.usageReported,
          upstreamCostUsd: e.upstreamCostUsd,
        },
        price,
        this.o.feeRate,
      );
      const billedForSavings = e.status === 'ok' || (e.status === 'client_aborted' && e.usageReported);
      const int = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
      const row: NewUsageRow = {
        id: newRowId('use'),
        request_id: String(e.requestId).slice(0, 200),
        created_at: (e.at instanceof Date && !Number.isNaN(e.at.getTime()) ? e.at : new Date()).toISOString(),
        account_id: e.accountId,
        key_id: e.keyId,
        mode: e.mode,
        model: String(e.model).slice(0, 200),
        status: e.status,
        original_input_tokens: int(e.originalInputTokens),
        compressed_input_tokens: int(e.compressedInputTokens),
        tokens_saved: billedForSavings ? Math.max(0, int(e.originalInputTokens) - int(e.compressedInputTokens)) : 0,
        output_tokens: int(e.outputTokens),
        cached_input_tokens: int(e.cachedInputTokens),
        usage_reported: e.usageReported ? 1 : 0,
        price_known: p.priceKnown ? 1 : 0,
        savings_micros: p.savingsMicros,
        llm_cost_micros: p.llmCostMicros,
        fee_micros: p.feeMicros,
        charged_micros: 0,
        shortfall_micros: 0,
        latency_ms: int(e.latencyMs),
      };
      if (this.closed) {
        this.drop(1, 'usage row recorded after billing was closed', true);
        return;
      }
      if (this.queue.length >= this.maxQueue) {
        this.drop(1, 'usage queue full');
        return;
      }
      this.queue.push({ row, due: p.chargedMicros });
      this.o.metrics.queueDepth.set(this.queue.length);
      this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushDelayMs);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, requestId: e?.requestId }, 'billing: could not queue a usage row');
      this.drop(1, 'usage row could not be priced');
    }
  }

  /** Write everything queued; resolves when the queue is empty or writing failed repeatedly. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let stalled = 0;
    while (this.queue.length > 0 || this.writing) {
      const before = this.queue.length;
      await (this.writing ?? this.writeNext());
      if (this.queue.length >= before && !this.writing) {
        stalled++;
        if (stalled >= 3) {
          this.o.log.error({ rows: this.queue.length }, 'billing: usage rows could not be written at flush; they stay queued in memory');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * stalled));
      }
    }
  }

  /** Flush, then stop the timer; rows that still cannot be written are reported as dropped. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length > 0) {
      this.drop(this.queue.length, 'usage rows unwritten at shutdown', true);
      this.queue = [];
      this.o.metrics.queueDepth.set(0);
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.writing) return;
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeNext();
    }, delayMs);
    this.timer.unref();
  }

  private writeNext(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.slice(0, this.batchSize);
    this.writing = this.writeBatch(batch).then(
      () => {
        this.queue.splice(0, batch.length);
        this.o.metrics.queueDepth.set(this.queue.length);
        this.o.metrics.rowsWritten.inc(batch.length);
        this.failures = 0;
        this.retryingIds = false;
        this.writing = null;
        if (this.queue.length > 0) this.schedule(0);
      },
      (err: Error) => {
        this.failures++;
        this.retryingIds = true;
        this.writing = null;
        this.o.metrics.writeFailures.inc();
        this.o.log.error({ err: err.message, rows: this.queue.length, attempt: this.failures }, 'billing: writing usage rows failed; will retry');
        this.schedule(Math.min(5000, 100 * 2 ** Math.min(this.failures, 6)));
      },
    );
    return this.writing;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const db = this.o.db;
    // Balances are opened (free credit) outside the batch transaction: that is its own small transaction.
    for (const accountId of new Set(batch.map((p) => p.row.account_id))) {
      if (this.knownAccounts.has(accountId)) continue;
      await ensureBalance(db, accountId, this.o.freeCreditMicros);
      if (this.knownAccounts.size > 100_000) this.knownAccounts.clear();
      this.knownAccounts.add(accountId);
    }
    // Lock rows in a stable (account) order so concurrent batches on several nodes cannot deadlock.
    const ordered = [...batch].sort((a, b) => (a.row.account_id < b.row.account_id ? -1 : a.row.account_id > b.row.account_id ? 1 : 0));
    const balancesAfter = new Map<string, number>();
    await db.transaction().execute(async (trx) => {
      let todo = ordered;
      if (this.retryingIds) {
        // A previous attempt may have committed without us hearing back: skip rows already stored.
        const ids = ordered.map((p) => p.row.id);
        const stored = new Set((await trx.selectFrom('usage').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
        todo = ordered.filter((p) => !stored.has(p.row.id));
      }
      const rows: NewUsageRow[] = [];
      // One charge per account per batch (rows of an account are adjacent after the sort).
      for (let i = 0; i < todo.length; ) {
        const accountId = todo[i].row.account_id;
        let j = i;
        while (j < todo.length && todo[j].row.account_id === accountId) j++;
        const group = todo.slice(i, j);
        const at = new Date().toISOString();
        const r = await chargeAccount(trx, accountId, group.map((p) => ({ requestId: p.row.request_id, dueMicros: p.due })), at);
        if (r.balanceAfterMicros !== undefined) balancesAfter.set(accountId, r.balanceAfterMicros);
        group.forEach((p, k) => rows.push({ ...p.row, charged_micros: r.applied[k], shortfall_micros: p.due - r.applied[k] }));
        i = j;
      }
      await insertUsageRows(trx, rows);
    });
    for (const [accountId, micros] of balancesAfter) this.o.balances.set(accountId, micros);
  }

  private warnUnknownModel(model: string): void {
    this.o.metrics.unknownModel.inc();
    const key = String(model).slice(0, 200);
    if (this.warnedModels.has(key) || this.warnedModels.size >= 1000) return;
    this.warnedModels.add(key);
    this.o.log.warn({ model: key }, 'billing: model not in the price table; served without a fee (add it with PRICES_FILE)');
  }

  private drop(n: number, reason: string, force = false): void {
    this.o.metrics.rowsDropped.inc(n);
    this.droppedSinceLog += n;
    const now = Date.now();
    if (force || now - this.lastDropLog > 10_000) {
      this.o.log.error({ dropped: this.droppedSinceLog, queued: this.queue.length, reason }, 'billing: usage rows dropped');
      this.droppedSinceLog = 0;
      this.lastDropLog = now;
    }
  }
}
