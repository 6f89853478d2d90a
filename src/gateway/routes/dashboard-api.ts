// RouteModule adapter: registers the dashboard API (gateway/dashboard.ts) from the gateway's
// object graph, so app.ts adds it with one line in ROUTES.
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { registerDashboard } from '../dashboard.js';

export async function dashboardApiRoute(app: FastifyInstance, ctx: GatewayContext): Promise<void> {
  const prices = (ctx.billing as { prices?: import('../../billing/prices.js').PriceTable }).prices;
  await registerDashboard(app, { config: ctx.config, store: ctx.store, keys: ctx.keys, prices });
}
