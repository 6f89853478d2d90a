// Graceful shutdown: stop accepting connections, let in-flight requests and streams finish for
// up to `graceMs`, then cut what is left; the app's onClose hooks then flush billing's queue and
// key touches and close pools and the store. A second signal forces the exit.
import type { FastifyInstance } from 'fastify';

export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => {
    app.log.warn({ graceMs }, 'shutdown grace period over: closing remaining connections');
    app.server.closeAllConnections();
    void app.services.upstream.destroy();
  }, graceMs);
  timer.unref();
  app.services.startDraining();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM / SIGINT → closeGracefully, then `onDone(exitCode)`. */
export function installSignalHandlers(app: FastifyInstance, graceMs: number, onDone: (code: number) => void): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting now');
      onDone(1);
      return;
    }
    closing = true;
    app.log.info({ signal, graceMs }, 'shutting down: finishing in-flight requests');
    closeGracefully(app, graceMs).then(
      () => onDone(0),
      (err: unknown) => {
        app.log.error({ err: { message: (err as Error).message } }, 'shutdown failed');
        onDone(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
