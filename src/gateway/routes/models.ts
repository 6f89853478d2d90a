// GET /v1/models — Router keys see the operator's configured list (ROUTER_MODELS); BYOK keys (and
// header BYOK) see their upstream's own list, normalised to OpenAI's {object:'list', data:[…]}.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MODELS_BODY_LIMIT, UpstreamFailure } from '../../upstream/client.js';
import { UpstreamAbort } from '../../upstream/abort.js';
import { upstreamErrorMessage } from '../../upstream/error-message.js';
import { authenticate } from '../auth.js';
import type { RouteModule } from '../context.js';
import { clientClosedRequest, upstreamFailed, upstreamNotAllowed, upstreamRejected, upstreamTimeout } from '../errors.js';
import { withHeldLog } from '../request-log.js';
import { resolveTarget } from '../upstream-target.js';

export const modelsRoute: RouteModule = (app, ctx) => {
  // the outcome of a client that left is known only after the upstream call
  app.get('/v1/models', withHeldLog(listModels));

  async function listModels(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const key = await authenticate(ctx, request);
    request.oc.keyId = key.id;
    const hasHeaderUpstream = request.headers['x-upstream-base-url'] !== undefined || request.headers['x-upstream-key'] !== undefined;
    if (key.mode === 'router' && !hasHeaderUpstream) {
      request.oc.mode = 'router';
      return {
        object: 'list',
        data: ctx.config.routerModels.map((id) => ({ id, object: 'model', created: 0, owned_by: id.includes('/') ? id.split('/')[0] : 'openrouter' })),
      };
    }
    const { target } = resolveTarget(ctx, key, request.headers);
    request.oc.mode = 'byok';
    const abort = new UpstreamAbort();
    reply.raw.once('close', () => abort.abort());
    let result;
    try {
      result = await ctx.upstream.models(target, abort);
    } catch (err) {
      const f = err instanceof UpstreamFailure ? err : new UpstreamFailure('connect', 'upstream request failed');
      if (abort.aborted) {
        // the client left: not an upstream failure, and nobody to answer
        request.oc.outcome = 'client_aborted';
        throw clientClosedRequest();
      }
      ctx.metrics.upstreamErrors.inc({ kind: f.kind });
      if (f.kind === 'timeout') throw upstreamTimeout(f.phase ?? 'headers');
      if (f.kind === 'not_allowed') throw upstreamNotAllowed(f.message);
      throw upstreamFailed(`Upstream unreachable: ${f.message}`);
    }
    if (result.statusCode >= 400) {
      const message = upstreamErrorMessage(result.statusCode, result.text, [target.apiKey]);
      if (result.statusCode >= 500 || result.statusCode === 401 || result.statusCode === 403) throw upstreamFailed(message, result.statusCode);
      throw upstreamRejected(result.statusCode, message);
    }
    if (result.tooLarge) throw upstreamFailed(`Upstream returned a model list larger than ${MODELS_BODY_LIMIT / (1024 * 1024)} MB`);
    if (result.payload === null) throw upstreamFailed('Upstream returned a model list that is not JSON');
    return result.payload;
  }
};
