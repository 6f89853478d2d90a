// The composition root (DESIGN.md §2): `buildApp(config, overrides?)` builds the whole object graph
// — logger, store, secrets, key service, billing, upstream pools, engine, metrics — and the
// Fastify app with its routes. `opencompress serve` and every test call it; tests pass their own
// Config (in-memory SQLite, a loopback mock upstream) and may override parts (a store they opened,
// a billing implementation, a log destination to scan).
//
// To add routes: write `src/gateway/routes/<name>.ts` exporting a RouteModule and add one line to
// ROUTES below.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { fastifyTrustProxy, type Config } from '../config.js';
import type { Billing } from '../billing/types.js';
import { compressMessages, countTokens, createCompressionCache } from '../compress/index.js';
import { openStore, type Store } from '../store/index.js';
import { createSecrets, type Secrets } from '../secrets/index.js';
import { createKeyService, type KeyService } from '../accounts/keys.js';
import { UpstreamClient } from '../upstream/client.js';
import type { CompressFn, GatewayContext, RouteModule } from './context.js';
import { installErrorHandlers } from './error-handler.js';
import { createLogger } from './logging.js';
import { GatewayMetrics } from './metrics.js';
import { installJsonParser } from './request-body.js';
import { installRequestLog } from './request-log.js';
import { newRequestId } from './request-id.js';
import { unmeteredBilling } from './unmetered-billing.js';
import { chatCompletionsRoute } from './routes/chat-completions.js';
import { messagesRoute } from './routes/messages.js';
import { compressRoute } from './routes/compress.js';
import { healthRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelsRoute } from './routes/models.js';
import { usageRoute } from './routes/usage.js';
import { dashboardApiRoute } from './routes/dashboard-api.js';
import { dashboardStaticRoute } from './routes/dashboard-static.js';
import { createBilling } from '../billing/index.js';

/** Route modules, registered in this order. One line per module. */
const ROUTES: RouteModule[] = [
  healthRoute,
  metricsRoute,
  modelsRoute,
  compressRoute,
  chatCompletionsRoute,
  messagesRoute,
  usageRoute,
  dashboardApiRoute,
  dashboardStaticRoute,
];

export interface AppOverrides {
  /** an already-open store (not closed by the app); default: openStore(config) */
  store?: Store;
  secrets?: Secrets;
  keys?: KeyService;
  /** default: the unmetered billing until billing/ provides its implementation */
  billing?: Billing | ((ctx: Omit<GatewayContext, 'billing'>) => Billing | Promise<Billing>);
  logger?: Logger;
  /** where log lines go (tests capture them); default stdout */
  logDestination?: DestinationStream;
  compress?: CompressFn;
  /** default: this process's own metrics (a cluster worker passes one that renders the cluster's) */
  metrics?: GatewayMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** the object graph (store, keys, secrets, billing, upstream, metrics, …) */
    services: GatewayContext;
  }
}

/** The engine with one cache of compressed messages for this app (0 MB: no cache); output is identical. */
function cachedCompress(mb: number): CompressFn {
  if (!(mb > 0)) return compressMessages;
  const cache = createCompressionCache({ maxBytes: mb * 1024 * 1024 });
  return (messages, options) => compressMessages(messages, { ...options, cache });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const logger = overrides.logger ?? createLogger(config.logLevel, overrides.logDestination);
  const ownsStore = !overrides.store;
  const store =
    overrides.store ?? (await openStore(config, { backgroundCheckpoints: { onError: (message) => logger.warn({ store: 'sqlite' }, message) } }));
  const closers: Array<() => Promise<void>> = [];
  try {
    const secrets = overrides.secrets ?? createSecrets(config);
    const ownsKeys = !overrides.keys;
    const keys =
      overrides.keys ??
      (await createKeyService({
        store,
        secrets,
        redisUrl: config.redisUrl,
        allowPrivateUpstreams: config.allowPrivateUpstreams,
        onError: (err) => logger.warn({ err: { message: err.message } }, 'key service'),
      }));
    if (ownsKeys) closers.push(() => keys.close());
    const upstream = new UpstreamClient({
      connectTimeoutMs: config.upstreamConnectTimeoutMs,
      headersTimeoutMs: config.upstreamHeadersTimeoutMs,
      bodyTimeoutMs: config.upstreamBodyTimeoutMs,
      allowPrivateUpstreams: config.allowPrivateUpstreams,
    });
    closers.push(() => upstream.close());
    let draining = false;
    const base: Omit<GatewayContext, 'billing'> = {
      config,
      logger,
      store,
      keys,
      secrets,
      upstream,
      compress: overrides.compress ?? cachedCompress(config.compressionCacheMb ?? 32),
      countTokens,
      metrics: overrides.metrics ?? new GatewayMetrics(),
      draining: () => draining,
      startDraining: () => {
        draining = true;
      },
    };
    const billing =
      typeof overrides.billing === 'function'
        ? await overrides.billing(base)
        : (overrides.billing ?? createBilling(config, store, { log: logger, registry: base.metrics.registry }));
    if (!overrides.billing && billing.close) closers.push(() => billing.close!());
    const ctx: GatewayContext = { ...base, billing };

    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
      bodyLimit: config.bodyLimit,
      // TRUST_PROXY: request.ip (sign-in / sign-up limits), request.host (CSRF origin check, base
      // URL) and request.protocol (Secure cookie) then come from the trusted proxy's X-Forwarded-*
      trustProxy: fastifyTrustProxy(config.trustProxy),
      genReqId: (req) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : newRequestId();
      },
      return503OnClosing: false,
      keepAliveTimeout: 65_000,
    }) as unknown as FastifyInstance;
    app.decorate('services', ctx);
    installJsonParser(app, config.bodyLimit);
    installRequestLog(app, ctx.metrics);
    installErrorHandlers(app, config);
    for (const route of ROUTES) await route(app, ctx);

    app.addHook('preClose', async () => {
      draining = true;
    });
    app.addHook('onClose', async () => {
      try {
        await billing.flush();
      } catch (err) {
        logger.error({ err: { message: (err as Error).message } }, 'billing flush failed on shutdown');
      }
      for (const close of closers.reverse()) await close().catch(() => undefined);
      if (ownsStore) await store.close();
    });
    return app;
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    if (ownsStore) await store.close();
    throw err;
  }
}
