// A gateway worker of `opencompress serve` with WORKERS > 1 (forked by primary.ts): the same app as
// a single process, except that GET /metrics shows the whole cluster (metrics-relay.ts), shutdown
// comes from the primary, and when stdout is a pipe or socket its log lines go through the primary
// (log-relay.ts). A write to a regular file or a terminal is never split by another process's
// write (the kernel serialises writes to one open file and to a tty), so there every worker writes
// its batches itself, as a single process does; a pipe keeps only writes of ≤ 4 KB whole. Signals are ignored:
// a terminal's Ctrl-C reaches every process of the group, and only the primary decides between
// finishing in-flight requests and a forced stop.
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

/** Serves until the primary says stop (or goes away); resolves with the exit code once the log is
 *  handed on. The caller exits: the IPC channel would keep the process alive, and disconnecting
 *  it makes Node's cluster code exit with 0 whatever the outcome. */
function writesStayWhole(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

export async function runWorker(config: Config): Promise<number> {
  // stdout's batches are written when the process exits (log-destination.ts); the relay's must be sent before
  const relay = writesStayWhole(1) ? null : createLogRelay();
  const flushLog = async () => relay?.flush();
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
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.send?.({ oc: 'ready', port } satisfies WorkerMessage);
  return new Promise<number>((resolve) => {
    let closing = false;
    const close = (reason: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ reason, graceMs: config.shutdownGraceMs }, 'worker shutting down: finishing in-flight requests');
      closeGracefully(app, config.shutdownGraceMs)
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
