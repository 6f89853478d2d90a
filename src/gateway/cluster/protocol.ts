// Messages between the cluster primary and its gateway workers (Node's IPC channel, structured clone).
// Worker → primary: `ready` once listening, `log` batches of JSON lines, `metrics?` when a worker
// answers GET /metrics, `collected` with its share. Primary → worker: `shutdown`, `collect`, and
// `metrics` with the cluster-wide text.
import type { Registry } from 'prom-client';

/** a registry in prom-client's JSON form */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export type WorkerMessage =
  | { oc: 'ready'; port: number }
  | { oc: 'log'; chunk: string }
  | { oc: 'metrics?'; id: number }
  | { oc: 'collected'; id: number; metrics: MetricsJson };

export type PrimaryMessage =
  | { oc: 'shutdown' }
  | { oc: 'collect'; id: number }
  | { oc: 'metrics'; id: number; contentType: string; text: string }
  | { oc: 'metrics'; id: number; error: string };

export function isMessage<T extends { oc: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { oc?: unknown }).oc === 'string';
}
