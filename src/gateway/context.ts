// What every route module receives: the object graph built once by app.ts (config, logger,
// store, key verification, secrets, billing, the upstream client, the engine, metrics).
// Route modules are `(app, ctx) => void` and register themselves; see app.ts. Also available
// as `app.services` for tests and tools.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Billing } from '../billing/types.js';
import type { CompressOptions, CompressResult, ChatMessage } from '../compress/types.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { GatewayMetrics } from './metrics.js';
import type { Store } from '../store/index.js';
import type { KeyService, ResolvedKey } from '../accounts/keys.js';
import type { Secrets } from '../secrets/index.js';

/** The key as authentication resolves it (ADR 0001, accounts/keys.ts). */
export type GatewayKey = ResolvedKey;

export type CompressFn = (messages: ChatMessage[], options: CompressOptions) => CompressResult;
export type CountTokensFn = (text: string, model?: string) => number;

export interface GatewayContext {
  config: Config;
  logger: Logger;
  store: Store;
  keys: KeyService;
  secrets: Secrets;
  billing: Billing;
  upstream: UpstreamClient;
  compress: CompressFn;
  countTokens: CountTokensFn;
  metrics: GatewayMetrics;
  /** true once shutdown began: /healthz answers 503, new proxied requests are refused */
  draining: () => boolean;
  /** begin draining (graceful shutdown; also done by app.close()) */
  startDraining: () => void;
}

/** A route module registers its routes; app.ts lists them (one line each). */
export type RouteModule = (app: FastifyInstance, ctx: GatewayContext) => void | Promise<void>;
