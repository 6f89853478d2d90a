// GET /metrics — Prometheus text format from prom-client (see metrics.ts for what is measured).
import type { RouteModule } from '../context.js';

export const metricsRoute: RouteModule = (app, ctx) => {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await ctx.metrics.render();
    return reply.type(contentType).send(text);
  });
};
