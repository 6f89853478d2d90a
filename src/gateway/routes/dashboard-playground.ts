// POST /api/playground/compress: the engine alone, for the dashboard's Playground. Takes a chat
// `messages` array or plain `text` (one user message), returns both versions and the stats. No
// upstream call, nothing recorded, nothing charged.
//
// The engine runs synchronously on the event loop, so the Playground takes at most
// PLAYGROUND_MAX_CHARS characters of message text (1.3 MB at aggressive held the gateway ~1 s;
// 200,000 characters is a few tens of ms). Larger inputs get a 400 `input_too_large`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { compressMessages } from '../../compress/index.js';
import type { ChatMessage } from '../../compress/types.js';
import { microsToUsd, savingsMicros } from '../../billing/fees.js';
import { badInput } from '../dashboard-errors.js';
import { parseInput, type DashboardContext } from '../dashboard.js';

const MAX_MESSAGES = 1000;
export const PLAYGROUND_MAX_CHARS = 200_000;

/** Characters the engine would work on: text content, text parts, tool-call arguments. */
function textChars(messages: ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    const c: unknown = m.content;
    if (typeof c === 'string') n += c.length;
    else if (Array.isArray(c)) for (const p of c) n += p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text.length : 0;
    else if (c != null) n += JSON.stringify(c).length;
    const calls: unknown = (m as { tool_calls?: unknown }).tool_calls;
    if (Array.isArray(calls)) {
      for (const t of calls) {
        const args = (t as { function?: { arguments?: unknown } } | null)?.function?.arguments;
        if (typeof args === 'string') n += args.length;
      }
    }
  }
  return n;
}

const tooLarge = (chars: number) =>
  badInput(
    `The Playground takes at most ${PLAYGROUND_MAX_CHARS.toLocaleString('en-US')} characters of message text; this input has ${chars.toLocaleString('en-US')}. Paste a shorter excerpt.`,
    'input_too_large',
  );

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
    const chars = textChars(messages);
    if (chars > PLAYGROUND_MAX_CHARS) throw tooLarge(chars);
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
