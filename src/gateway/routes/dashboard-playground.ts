// POST /api/playground/compress: the engine alone, for the dashboard's Playground. Takes a chat
// `messages` array or plain `text` (one user message), returns both versions and the stats. No
// upstream call, nothing recorded, nothing charged.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { compressMessages } from '../../compress/index.js';
import type { ChatMessage } from '../../compress/types.js';
import { microsToUsd, savingsMicros } from '../../billing/fees.js';
import { badInput } from '../dashboard-errors.js';
import { parseInput, type DashboardContext } from '../dashboard.js';

const MAX_MESSAGES = 1000;

const schema = z.object({
  messages: z.array(z.looseObject({ role: z.string().min(1).max(64) })).max(MAX_MESSAGES).optional(),
  text: z.string().optional(),
  level: z.enum(['off', 'lossless', 'balanced', 'aggressive']).default('balanced'),
  model: z.string().trim().min(1).max(200).default('gpt-4o-mini'),
});

export function registerPlaygroundRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.post('/playground/compress', async (request) => {
    const body = parseInput(schema, request.body);
    let messages: ChatMessage[];
    if (body.messages && body.messages.length > 0) messages = body.messages as ChatMessage[];
    else if (body.text && body.text.trim()) messages = [{ role: 'user', content: body.text }];
    else throw badInput('Send a non-empty "messages" array or "text".');
    const result = compressMessages(messages, { level: body.level, model: body.model });
    const price = ctx.prices.lookup(body.model);
    const saved = savingsMicros(result.stats.originalTokens, result.stats.compressedTokens, price);
    return {
      original: messages,
      compressed: result.messages,
      stats: result.stats,
      savingsUsd: price ? microsToUsd(saved) : null,
    };
  });
}
