// Prometheus metrics (prom-client) for GET /metrics: requests by route/status/mode, latency and
// gateway-overhead histograms, compression ratio, tokens saved, upstream errors, in-flight
// requests. Each app gets its own registry (tests build many apps in one process); process-level
// default metrics live in one shared registry merged in at render time. Labels never carry
// secrets, key ids or model names chosen by clients (bounded cardinality).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'opencompress_' });
  }
  return processRegistry;
}

export interface GatewayMetricsOptions {
  /** what GET /metrics shows instead of this process's own metrics (a cluster worker asks the primary) */
  render?: () => Promise<{ contentType: string; text: string }>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  constructor(private readonly options: GatewayMetricsOptions = {}) {}
  readonly requests = new Counter({
    name: 'opencompress_requests_total',
    help: 'HTTP requests answered, by route, status code and key mode',
    labelNames: ['route', 'status', 'mode'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'opencompress_request_duration_seconds',
    help: 'Time from request start to the end of the response, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly overhead = new Histogram({
    name: 'opencompress_gateway_overhead_seconds',
    help: 'Time spent in the gateway itself (total minus waiting for the upstream) on proxied requests',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly compressionRatio = new Histogram({
    name: 'opencompress_compression_ratio',
    help: 'Compressed / original prompt tokens of compressed requests (1 = nothing saved)',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers: [this.registry],
  });
  readonly tokensSaved = new Counter({
    name: 'opencompress_tokens_saved_total',
    help: 'Prompt tokens removed by compression, by key mode',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  readonly compressionMs = new Histogram({
    name: 'opencompress_compression_seconds',
    help: 'Time the engine took per request',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'opencompress_upstream_errors_total',
    help: 'Upstream failures by kind (status_4xx, status_5xx, timeout, connect, not_allowed, stream)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly inflight = new Gauge({
    name: 'opencompress_inflight_requests',
    help: 'Requests being served right now',
    registers: [this.registry],
  });

  async render(): Promise<{ contentType: string; text: string }> {
    if (this.options.render) return this.options.render();
    const merged = this.merged();
    return { contentType: merged.contentType, text: await merged.metrics() };
  }

  /** this process's metrics in prom-client's JSON form (what a cluster primary sums) */
  json(): ReturnType<Registry['getMetricsAsJSON']> {
    return this.merged().getMetricsAsJSON();
  }

  private merged(): Registry {
    return Registry.merge([this.registry, processMetrics()]);
  }
}
