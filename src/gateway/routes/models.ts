// GET /v1/models — Router keys see the operator's configured list (ROUTER_MODELS); BYOK keys (and
// header BYOK) see their upstream's own list, normalised to OpenAI's {object:'list', data:[…]}.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { classifyUpstreamError, MODELS_BODY_LIMIT } from '../../upstream/client.js';
import { UpstreamAbort } from '../../upstream/abort.js';
import { upstreamErrorMessage } from '../../upstream/error-message.js';
import { authenticate } from '../auth.js';
import type { RouteModule } from '../context.js';
import { upstreamFailed } from '../errors.js';
import { clientGone } from '../request-lifecycle.js';
import { failureToError, statusErrorFromText } from '../upstream-errors.js';
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
      // the client left: not an upstream failure, and nobody to answer
      if (abort.aborted) throw clientGone(request.oc);
      const f = classifyUpstreamError(err);
      ctx.metrics.upstreamErrors.inc({ kind: f.kind });
      throw failureToError(f);
    }
    if (result.statusCode >= 400) throw statusErrorFromText(result, upstreamErrorMessage(result.statusCode, result.text, [target.apiKey])).error;
    if (result.tooLarge) throw upstreamFailed(`Upstream returned a model list larger than ${MODELS_BODY_LIMIT / (1024 * 1024)} MB`);
    if (result.payload === null) throw upstreamFailed('Upstream returned a model list that is not JSON');
    return result.payload;
  }
};
