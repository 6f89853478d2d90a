// Billing's Prometheus metrics, registered once per registry (the gateway's /metrics serves it).
// Several Billing instances in one process (tests) share the same metric objects.
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

export interface BillingMetrics {
  unknownModel: Counter;
  rowsWritten: Counter;
  writeFailures: Counter;
  rowsDropped: Counter;
  queueDepth: Gauge;
  rateLimited: Counter<'limit'>;
  insufficientBalance: Counter;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[] = []): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help, registers: [registry] });
}

export function billingMetrics(registry: Registry = defaultRegistry): BillingMetrics {
  return {
    unknownModel: counter(registry, 'opencompress_billing_unknown_model_total', 'requests for a model missing from the price table (served, no fee)'),
    rowsWritten: counter(registry, 'opencompress_usage_rows_written_total', 'usage rows written to the store'),
    writeFailures: counter(registry, 'opencompress_usage_write_failures_total', 'failed attempts to write a batch of usage rows (retried)'),
    rowsDropped: counter(registry, 'opencompress_usage_rows_dropped_total', 'usage rows dropped because the write queue was full or could not be written at shutdown'),
    queueDepth: gauge(registry, 'opencompress_usage_queue_depth', 'usage rows waiting to be written'),
    rateLimited: counter(registry, 'opencompress_rate_limited_total', 'requests refused by a per-key rate limit', ['limit']),
    insufficientBalance: counter(registry, 'opencompress_insufficient_balance_total', 'requests refused with 402 because the balance was empty'),
  };
}
