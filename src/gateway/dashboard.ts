// The dashboard's server side: one encapsulated Fastify plugin under /api holding every
// dashboard-* route module, with the CSRF origin guard on all of them and session auth on all but
// meta / sign-up / sign-in / sign-out. app.ts registers it with `registerDashboard(app, deps)`,
// and the built UI with `registerDashboardStatic(app)` (dashboard-static.ts).
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { KeyService } from '../accounts/keys.js';
import { AccountsError } from '../accounts/errors.js';
import { LoginLimiter } from '../accounts/login-limit.js';
import { SessionService } from '../accounts/sessions.js';
import { loadPriceTable, type PriceTable } from '../billing/prices.js';
import { badInput, conflict, dashboardNotFound } from './dashboard-errors.js';
import { createSessionAuth, type SessionAuth } from './session-auth.js';
import { registerAuthRoutes } from './routes/dashboard-auth.js';
import { registerKeyRoutes } from './routes/dashboard-keys.js';
import { registerUsageRoutes } from './routes/dashboard-usage.js';
import { registerBillingRoutes } from './routes/dashboard-billing.js';
import { registerPlaygroundRoutes } from './routes/dashboard-playground.js';

export interface DashboardDeps {
  config: Config;
  store: Store;
  keys: KeyService;
  /** defaults: built from the store */
  sessions?: SessionService;
  loginLimiter?: LoginLimiter;
  /** the billing price table (for Playground savings); loaded from config when omitted */
  prices?: PriceTable;
}

/** What every dashboard-* route module receives. */
export interface DashboardContext {
  config: Config;
  store: Store;
  keys: KeyService;
  sessions: SessionService;
  loginLimiter: LoginLimiter;
  prices: PriceTable;
  auth: SessionAuth;
}

/** Parse a body or query with a zod schema; a failure is a 400 naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw badInput(`${where}${issue?.message ?? 'invalid input'}`);
}

/** accounts/ errors → dashboard HTTP errors (their messages are safe to show). */
export function mapAccountsError(err: unknown): never {
  if (err instanceof AccountsError) {
    switch (err.code) {
      case 'invalid_input':
        throw badInput(capitalize(err.message));
      case 'not_found':
        throw dashboardNotFound(err.message.replace(/^no such /, '') || 'item');
      case 'conflict':
        throw conflict(capitalize(err.message));
      case 'limit_reached':
        throw conflict(capitalize(err.message), 'limit_reached');
    }
  }
  throw err;
}

function capitalize(s: string): string {
  const t = s.endsWith('.') ? s : `${s}.`;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const sessions = deps.sessions ?? new SessionService(deps.store);
  const ctx: DashboardContext = {
    config: deps.config,
    store: deps.store,
    keys: deps.keys,
    sessions,
    loginLimiter: deps.loginLimiter ?? new LoginLimiter(deps.store),
    prices: deps.prices ?? loadPriceTable(deps.config.pricesFile),
    auth: createSessionAuth(deps.config, sessions),
  };
  await app.register(
    async (api) => {
      api.decorateRequest('account', null);
      api.decorateRequest('dashboardSession', null);
      api.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        await ctx.auth.originGuard(request);
      });
      registerAuthRoutes(api, ctx);
      // everything below requires a signed-in account
      await api.register(async (authed) => {
        authed.addHook('preHandler', ctx.auth.requireSession);
        registerKeyRoutes(authed, ctx);
        registerUsageRoutes(authed, ctx);
        registerBillingRoutes(authed, ctx);
        registerPlaygroundRoutes(authed, ctx);
      });
    },
    { prefix: '/api' },
  );
}
