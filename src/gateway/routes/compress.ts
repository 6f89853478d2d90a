// POST /v1/compress — the engine alone, for previews (dashboard playground) and for clients that
// forward requests themselves. Authenticated with a gateway key; no upstream call, not billed.
// Body: a chat request ({model?, messages, opencompress?}) or {messages, level?, model?,
// target_ratio?, target_tokens?}; the `x-opencompress-level` header works as on chat completions.
import { authenticate } from '../auth.js';
import { compressionControl, LEVELS } from '../compression-control.js';
import type { RouteModule } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { ChatMessage, Level } from '../../compress/types.js';

export const compressRoute: RouteModule = (app, ctx) => {
  app.post('/v1/compress', async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('Request body must be a JSON object', 'invalid_body');
    const b = body as Record<string, unknown>;
    const key = await authenticate(ctx, request);
    request.oc.keyId = key.id;
    if (!Array.isArray(b.messages)) throw invalidRequest('"messages" must be an array', 'invalid_messages');
    if (b.model !== undefined && typeof b.model !== 'string') throw invalidRequest('"model" must be a string', 'invalid_model');
    const control = compressionControl(request.headers, b, key.level);
    let level: Level = control.level;
    if (b.level !== undefined) {
      if (typeof b.level !== 'string' || !(LEVELS as readonly string[]).includes(b.level)) {
        throw invalidRequest(`Invalid compression level; use one of ${LEVELS.join(', ')}`, 'invalid_level');
      }
      level = b.level as Level;
    }
    const targetRatio = typeof b.target_ratio === 'number' ? b.target_ratio : control.targetRatio;
    const targetTokens = typeof b.target_tokens === 'number' ? b.target_tokens : control.targetTokens;
    request.oc.level = level;
    const result = ctx.compress(b.messages as ChatMessage[], { level, model: b.model as string | undefined, targetRatio, targetTokens });
    request.oc.originalTokens = result.stats.originalTokens;
    request.oc.compressedTokens = result.stats.compressedTokens;
    return { messages: result.messages, stats: result.stats };
  });
};
