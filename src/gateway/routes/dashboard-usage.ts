// Dashboard usage and overview: per-request rows (filtered, paged, CSV), monthly aggregates,
// and the overview (balance, this month, 30-day daily series). Reads go through
// billing/reports.ts, always with the signed-in account's id; rows are shaped for the web app
// (camelCase) and carry the key's name and prefix.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { balance, dailySeries, monthlyAggregates, monthTotals, usageCsv, usagePage, type UsageFilter, type UsageRowApi } from '../../billing/reports.js';
import { badInput } from '../dashboard-errors.js';
import { parseInput, type DashboardContext } from '../dashboard.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00.000Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d);
  }, 'not a calendar date');

const filterSchema = z.object({
  keyId: z.string().max(100).optional(),
  model: z.string().max(200).optional(),
  status: z.string().max(40).optional(),
  from: day.optional(),
  to: day.optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00.000Z`);
  return new Date(t.getTime() + 86_400_000).toISOString();
}

/** Query → store filter for the signed-in account; `to` is inclusive (the whole UTC day). */
function toFilter(request: FastifyRequest, q: z.infer<typeof filterSchema>): UsageFilter {
  const f: UsageFilter = { accountId: request.account!.id };
  if (q.keyId) f.keyId = q.keyId;
  if (q.model?.trim()) f.model = q.model.trim();
  if (q.status) f.status = q.status;
  if (q.from) f.from = new Date(`${q.from}T00:00:00.000Z`).toISOString();
  if (q.to) f.to = nextDay(q.to);
  if (f.from && f.to && f.from >= f.to) throw badInput('"from" must be on or before "to"');
  return f;
}

function camelTotals(t: { calls: number; original_input_tokens: number; compressed_input_tokens: number; tokens_saved: number; savings_usd: number; fees_usd: number; charged_usd: number; avg_compression_rate: number }) {
  return {
    calls: t.calls,
    originalInputTokens: t.original_input_tokens,
    compressedInputTokens: t.compressed_input_tokens,
    tokensSaved: t.tokens_saved,
    savingsUsd: t.savings_usd,
    feesUsd: t.fees_usd,
    chargedUsd: t.charged_usd,
    avgCompressionRate: t.avg_compression_rate,
  };
}

export function registerUsageRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  const keyNames = async (accountId: string) => {
    const keys = await ctx.keys.list(accountId, { includeRevoked: true });
    return new Map(keys.map((k) => [k.id, { name: k.name, prefix: k.prefix }]));
  };
  const row = (names: Map<string, { name: string; prefix: string }>) => (r: UsageRowApi) => ({
    id: r.id,
    at: r.created_at,
    keyId: r.key_id,
    keyName: names.get(r.key_id)?.name ?? null,
    keyPrefix: names.get(r.key_id)?.prefix ?? null,
    model: r.model,
    originalInputTokens: r.original_input_tokens,
    compressedInputTokens: r.compressed_input_tokens,
    outputTokens: r.output_tokens,
    cachedInputTokens: r.cached_input_tokens,
    compressionRate: r.compression_rate,
    savingsUsd: r.savings_usd,
    llmCostUsd: r.llm_cost_usd,
    feeUsd: r.fee_usd,
    chargedUsd: r.charged_usd,
    status: r.status,
  });

  api.get('/usage', async (request) => {
    const q = parseInput(filterSchema, request.query);
    const filter = toFilter(request, q);
    const [page, names] = await Promise.all([
      usagePage(ctx.store.db, filter, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }),
      keyNames(filter.accountId),
    ]);
    return { data: page.data.map(row(names)), page: q.page, pageSize: q.pageSize, total: page.total };
  });

  api.get('/usage.csv', async (request, reply) => {
    const q = parseInput(filterSchema, request.query);
    const csv = await usageCsv(ctx.store.db, toFilter(request, q));
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="opencompress-usage-${stamp}.csv"`);
    return csv;
  });

  api.get('/usage/monthly', async (request) => {
    const months = await monthlyAggregates(ctx.store.db, request.account!.id, { months: 24 });
    return { data: months.reverse().map((m) => ({ month: m.month, ...camelTotals(m) })) };
  });

  api.get('/overview', async (request) => {
    const accountId = request.account!.id;
    const [bal, month, daily, active] = await Promise.all([
      balance(ctx.store.db, accountId, ctx.config.freeCreditUsd),
      monthTotals(ctx.store.db, accountId),
      dailySeries(ctx.store.db, accountId, { days: 30 }),
      ctx.keys.countActive(accountId),
    ]);
    return {
      balanceUsd: bal.balance_usd,
      month: { month: month.month, ...camelTotals(month) },
      daily: daily.map((d) => ({ date: d.date, calls: d.calls, originalInputTokens: d.original_input_tokens, compressedInputTokens: d.compressed_input_tokens, savingsUsd: d.savings_usd })),
      activeKeys: active,
    };
  });
}
