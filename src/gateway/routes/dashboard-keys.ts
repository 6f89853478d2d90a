// Dashboard API keys: list, create (the raw sk-occ- key is in this one response only), revoke,
// update limits. Every call is scoped to the signed-in account: another account's key id answers
// 404, exactly like a key that does not exist. The upstream key never leaves the server: only its
// last 4 characters are sent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { KeyInfo } from '../../accounts/keys.js';
import { badInput } from '../dashboard-errors.js';
import { mapAccountsError, parseInput, type DashboardContext } from '../dashboard.js';
import { presetById } from './dashboard-presets.js';

/** KeyInfo without the account id: what the owner's browser sees. */
export function publicKey(k: KeyInfo) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    mode: k.mode,
    status: k.status,
    upstreamProvider: k.upstreamProvider,
    upstreamBaseUrl: k.upstreamBaseUrl,
    upstreamKeyLast4: k.upstreamKeyLast4,
    level: k.level,
    rpm: k.rpm,
    concurrency: k.concurrency,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  };
}

const limit = z.number().int().min(0).max(1_000_000);
const level = z.enum(['off', 'lossless', 'balanced', 'aggressive']);

const createSchema = z.object({
  name: z.string().max(100).optional(),
  mode: z.enum(['router', 'byok'], { message: 'mode must be "router" or "byok"' }),
  upstreamPreset: z.string().max(32).optional(),
  upstreamBaseUrl: z.string().max(2048).optional(),
  upstreamKey: z.string().max(4096).optional(),
  level: level.nullable().optional(),
  rpm: limit.optional(),
  concurrency: limit.optional(),
});

const updateSchema = z.object({
  name: z.string().max(100).optional(),
  level: level.nullable().optional(),
  rpm: limit.optional(),
  concurrency: limit.optional(),
});

const idParam = z.object({ id: z.string().min(1).max(100) });

export function registerKeyRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.get('/keys', async (request) => {
    const accountId = request.account!.id;
    const keys = await ctx.keys.list(accountId, { includeRevoked: true });
    // active first, then newest first
    keys.sort((a, b) => (a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : a.status === 'active' ? -1 : 1));
    return {
      data: keys.map(publicKey),
      activeCount: keys.filter((k) => k.status === 'active').length,
      maxActive: ctx.keys.maxActiveKeys,
    };
  });

  api.post('/keys', async (request, reply) => {
    const body = parseInput(createSchema, request.body);
    if (body.mode === 'router' && !ctx.config.openrouterApiKey) {
      throw badInput('Router keys are not available on this server (the operator has not configured OPENROUTER_API_KEY). Create a BYOK key instead.', 'router_not_configured');
    }
    const preset = presetById(body.upstreamPreset);
    const name = body.name?.trim() || `Key created ${new Date().toISOString().slice(0, 10)}`;
    const created = await ctx.keys
      .create({
        accountId: request.account!.id,
        mode: body.mode,
        name,
        level: body.level ?? undefined,
        rpm: body.rpm,
        concurrency: body.concurrency,
        ...(body.mode === 'byok'
          ? {
              upstreamBaseUrl: body.upstreamBaseUrl,
              upstreamKey: body.upstreamKey,
              upstreamProvider: preset && preset.id !== 'custom' ? preset.id : undefined,
            }
          : {}),
      })
      .catch(mapAccountsError);
    request.log.info({ keyId: created.id, mode: body.mode }, 'dashboard key created');
    reply.code(201);
    return { key: publicKey(created.info), secret: created.key };
  });

  api.post('/keys/:id/revoke', async (request) => {
    const { id } = parseInput(idParam, request.params);
    const info = await ctx.keys.revoke(id, { accountId: request.account!.id }).catch(mapAccountsError);
    request.log.info({ keyId: id }, 'dashboard key revoked');
    return { key: publicKey(info) };
  });

  api.patch('/keys/:id', async (request) => {
    const { id } = parseInput(idParam, request.params);
    const body = parseInput(updateSchema, request.body);
    const info = await ctx.keys.update(id, body, { accountId: request.account!.id }).catch(mapAccountsError);
    return { key: publicKey(info) };
  });
}
