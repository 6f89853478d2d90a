// GET /healthz — liveness for load balancers: 200 {"status":"ok"} while serving, 503
// {"status":"draining"} once graceful shutdown began so traffic moves elsewhere.
import type { RouteModule } from '../context.js';

export const healthRoute: RouteModule = (app, ctx) => {
  app.get('/healthz', async (_request, reply) => {
    if (ctx.draining()) return reply.code(503).send({ status: 'draining' });
    return { status: 'ok' };
  });
};
