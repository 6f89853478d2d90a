// `opencompress serve` with WORKERS > 1. This process prepares the data once (the generated master
// key, migrations), forks the workers that share the port (Node's cluster module hands each new
// connection to the next worker), writes every worker's log lines to stdout (log-relay.ts),
// answers their /metrics collections (metrics-relay.ts) and replaces a worker that dies — unless
// workers keep dying (5 within a minute), which stops the server rather than loop. SIGTERM/SIGINT:
// every worker finishes its in-flight requests (SHUTDOWN_GRACE_MS, then cut); a second signal
// kills them.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../../config.js';
import { loadMasterKeys } from '../../secrets/index.js';
import { openStore } from '../../store/index.js';
import { createLogger } from '../logging.js';
import { stdoutLines } from '../log-destination.js';
import { aggregateMetrics, onCollected } from './metrics-relay.js';
import { isMessage, type PrimaryMessage, type WorkerMessage } from './protocol.js';

const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;

export interface PrimaryOptions {
  /** the environment workers start with (the same one config was loaded from) */
  env: NodeJS.ProcessEnv;
  /** the script and arguments that start a worker (default: this process's own) */
  exec?: string;
  args?: string[];
  /** once every worker listens: the shared port and where the data lives */
  onListening(port: number, dataLocation: string): void;
}

/** Runs the cluster until it is stopped; resolves with the exit code. */
export async function runPrimary(config: Config, options: PrimaryOptions): Promise<number> {
  const destination = stdoutLines();
  const log = createLogger(config.logLevel, destination);
  loadMasterKeys(config); // generates master.key (embedded default) before any worker reads it
  const store = await openStore(config); // migrates, once
  const location = store.location;
  await store.close();
  // 'advanced' (V8's structured clone): a 32 KB log batch is copied, not JSON-escaped and re-parsed
  cluster.setupPrimary({ exec: options.exec ?? process.argv[1], args: options.args ?? process.argv.slice(2), serialization: 'advanced' });

  const workers = new Set<Worker>();
  /** workers that are listening: the ones /metrics collections ask */
  const listening = new Set<Worker>();
  const crashes: number[] = [];
  let stopping = false;
  /** workers were killed (second signal, grace period over) or one ended badly while stopping */
  let unclean = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const start = (): Promise<{ worker: Worker; port: number }> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(options.env);
      workers.add(worker);
      let ready = false;
      worker.on('message', (m: unknown) => {
        if (!isMessage<WorkerMessage>(m)) return;
        if (m.oc === 'log') destination.write(m.chunk);
        else if (m.oc === 'collected') onCollected(worker, m);
        else if (m.oc === 'metrics?') {
          aggregateMetrics(listening).then(
            (r) => send(worker, { oc: 'metrics', id: m.id, ...r }),
            (err: Error) => send(worker, { oc: 'metrics', id: m.id, error: err.message }),
          );
        } else if (m.oc === 'ready') {
          ready = true;
          listening.add(worker);
          if (stopping) send(worker, { oc: 'shutdown' }); // it came up while the server is stopping
          resolve({ worker, port: m.port });
        }
      });
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        listening.delete(worker);
        if (stopping && (code !== 0 || signal)) unclean = true;
        if (!ready) reject(new Error(`a gateway worker exited while starting (${signal ?? `code ${code}`})`));
        else if (!stopping) replace(worker.process.pid, code, signal);
      });
    });

  const replace = (pid: number | undefined, code: number | null, signal: string | null) => {
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length >= MAX_CRASHES) {
      log.fatal({ worker: pid, code, signal, crashes: crashes.length }, 'gateway workers keep dying: stopping the server');
      stop('crash loop', 1);
      return;
    }
    log.error({ worker: pid, code, signal }, 'gateway worker died: starting a replacement');
    start().catch((err: Error) => {
      log.error({ err: { message: err.message } }, 'replacement worker failed');
      if (!stopping) replace(undefined, null, null);
    });
  };

  const killAll = () => {
    unclean = true;
    for (const w of workers) w.process.kill('SIGKILL');
  };
  const allExited = async () => {
    while (workers.size > 0) await new Promise((r) => cluster.once('exit', r));
  };
  const stop = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason, graceMs: config.shutdownGraceMs, workers: workers.size }, 'shutting down: workers finish in-flight requests');
    for (const w of workers) send(w, { oc: 'shutdown' });
    const force = setTimeout(() => {
      log.warn('workers still running after the grace period: killing them');
      killAll();
    }, config.shutdownGraceMs + 5000);
    force.unref();
    void allExited().then(() => {
      clearTimeout(force);
      finish(unclean ? 1 : code);
    });
  };

  // Signals from the start: one during start-up stops the workers that are coming up, too.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return stop(signal);
    log.warn({ signal }, 'second signal: killing the workers');
    killAll();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    const started = await Promise.all(Array.from({ length: config.workers }, start));
    if (!stopping) options.onListening(started[0].port, location);
  } catch (err) {
    stop('a worker failed to start', 1);
    await finished;
    throw err;
  }
  return finished;
}

function send(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}
