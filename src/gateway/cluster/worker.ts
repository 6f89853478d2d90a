// A gateway worker of `opencompress serve` with WORKERS > 1 (forked by primary.ts): the same app as
// a single process, except that GET /metrics shows the whole cluster (metrics-relay.ts), shutdown
// comes from the primary, and when stdout is a pipe or socket its log lines go through the primary
// (log-relay.ts). A write to a regular file or a terminal is never split by another process's
// write (the kernel serialises writes to one open file and to a tty), so there every worker writes
// its batches itself, as a single process does; a pipe keeps only writes of ≤ 4 KB whole.
// Signals are ignored: a terminal's Ctrl-C reaches every process of the group, and only the
// primary decides between finishing in-flight requests and a forced stop.
import cluster from 'node:cluster';
import { fstatSync } from 'node:fs';
import type { Config } from '../../config.js';
import { buildApp } from '../app.js';
import { stdoutLines } from '../log-destination.js';
import { GatewayMetrics } from '../metrics.js';
import { closeGracefully } from '../shutdown.js';
import { createLogRelay } from './log-relay.js';
import { clusterMetrics, serveWorkerMetrics } from './metrics-relay.js';
import { isMessage, type PrimaryMessage, type WorkerMessage } from './protocol.js';

const ignore = () => undefined;

/** Waits until no request is in flight (or the deadline). A worker's server.close() alone is not
 *  enough: once the primary is gone it reports closed while a response is still streaming, and
 *  the app would close billing under it. */
async function untilIdle(metrics: GatewayMetrics, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { values } = await metrics.inflight.get();
    if (!(values[0]?.value > 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** stdout is a regular file or a terminal (char device): one write() there is never interleaved */
function writesStayWhole(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

/** Serves until the primary says stop (or goes away); resolves with the exit code once the log is
 *  handed on. The caller exits (process.exit): the IPC channel would keep the process alive. */
export async function runWorker(config: Config): Promise<number> {
  // before the worker exits: the relay's batches sent, or stdout's written (a write still running in
  // the thread pool would be lost by process.exit) — bounded, a stuck stdout must not hold the exit
  const relay = writesStayWhole(1) ? null : createLogRelay();
  const flushLog = () => Promise.race([relay ? relay.flush() : stdoutLines().drain(), new Promise<void>((r) => setTimeout(r, 2000).unref())]);
  const metrics = new GatewayMetrics({ render: clusterMetrics });
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config, { logDestination: relay ?? stdoutLines(), metrics });
    serveWorkerMetrics(metrics);
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await flushLog();
    throw err;
  }
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  // Node's cluster code exits a worker at once (code 0) when the primary's channel closes, unless the
  // disconnect was "expected": marked so, a worker whose primary died drains like on `shutdown`
  // (in-flight requests finish, billing's queue is written) instead of being cut off.
  if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.send?.({ oc: 'ready', port } satisfies WorkerMessage);
  return new Promise<number>((resolve) => {
    let closing = false;
    const close = (reason: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ reason, graceMs: config.shutdownGraceMs }, 'worker shutting down: finishing in-flight requests');
      app.services.startDraining();
      const deadline = Date.now() + config.shutdownGraceMs;
      untilIdle(metrics, deadline)
        .then(() => closeGracefully(app, Math.max(0, deadline - Date.now())))
        .then(
          () => 0,
          (err: unknown) => {
            app.log.error({ err: { message: (err as Error).message } }, 'worker shutdown failed');
            return 1;
          },
        )
        .then(async (code) => {
          await flushLog();
          resolve(code);
        });
    };
    process.on('message', (m: unknown) => {
      if (isMessage<PrimaryMessage>(m) && m.oc === 'shutdown') close('asked by the primary');
    });
    process.on('disconnect', () => close('the primary is gone'));
  });
}
