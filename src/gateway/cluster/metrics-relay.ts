// GET /metrics across workers. The worker that gets the request asks the primary; the primary asks
// every worker for its registry as JSON and sums them with prom-client's aggregator (counters and
// histograms add up, per-process gauges follow each metric's own aggregator), so a scrape sees the
// whole server whichever worker answers it. A worker that does not answer within 2 s is left out.
import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { GatewayMetrics } from '../metrics.js';
import { isMessage, type MetricsJson, type PrimaryMessage, type WorkerMessage } from './protocol.js';

const COLLECT_TIMEOUT_MS = 2000;

export interface RenderedMetrics {
  contentType: string;
  text: string;
}

// ── worker side ────────────────────────────────────────────────────────────────────────────────

let asked = 0;
const waiting = new Map<number, (m: PrimaryMessage & { oc: 'metrics' }) => void>();

/** In a worker: answer the primary's `collect` with this worker's metrics, and resolve its replies. */
export function serveWorkerMetrics(metrics: GatewayMetrics): void {
  process.on('message', (m: unknown) => {
    if (!isMessage<PrimaryMessage>(m)) return;
    if (m.oc === 'collect') {
      void metrics.json().then((json) => send({ oc: 'collected', id: m.id, metrics: json }));
    } else if (m.oc === 'metrics') {
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    }
  });
}

/** In a worker: the whole cluster's metrics, from the primary. */
export function clusterMetrics(): Promise<RenderedMetrics> {
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the cluster primary did not answer the metrics request'));
    }, COLLECT_TIMEOUT_MS * 2);
    waiting.set(id, (m) => {
      clearTimeout(timer);
      if ('error' in m) reject(new Error(m.error));
      else resolve({ contentType: m.contentType, text: m.text });
    });
    send({ oc: 'metrics?', id });
  });
}

function send(m: WorkerMessage): void {
  if (process.connected) process.send?.(m);
}

// ── primary side ───────────────────────────────────────────────────────────────────────────────

let collecting = 0;
const collections = new Map<number, (worker: Worker, metrics: MetricsJson) => void>();

/** In the primary: feed a worker's `collected` message to the collection it answers. */
export function onCollected(worker: Worker, m: WorkerMessage & { oc: 'collected' }): void {
  collections.get(m.id)?.(worker, m.metrics);
}

/** In the primary: every live worker's metrics, summed. */
export async function aggregateMetrics(workers: Iterable<Worker>): Promise<RenderedMetrics> {
  const live = [...workers].filter((w) => w.isConnected());
  const id = ++collecting;
  const parts = await new Promise<MetricsJson[]>((resolve) => {
    const got = new Map<Worker, MetricsJson>();
    const done = () => {
      clearTimeout(timer);
      collections.delete(id);
      resolve([...got.values()]);
    };
    const timer = setTimeout(done, COLLECT_TIMEOUT_MS);
    collections.set(id, (worker, metrics) => {
      got.set(worker, metrics);
      if (got.size === live.length) done();
    });
    for (const w of live) w.send({ oc: 'collect', id } satisfies PrimaryMessage);
    if (live.length === 0) done();
  });
  const registry = AggregatorRegistry.aggregate(parts);
  return { contentType: registry.contentType, text: await registry.metrics() };
}
