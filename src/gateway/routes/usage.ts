// GET /v1/usage/summary and GET /v1/usage — usage and balance for CLIs and plugins, authenticated
// with the gateway key itself (like chat completions). The summary covers the key's account (its
// balance and this calendar month, UTC); the list covers the key's own requests, newest first.
// The numbers come from billing/reports.ts; this file only authenticates and validates the query.
import { authenticate } from '../auth.js';
import type { RouteModule } from '../context.js';
import { invalidRequest } from '../errors.js';
import { usagePage, usageSummary } from '../../billing/reports.js';

const MAX_LIMIT = 500;

function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw invalidRequest(`"${name}" must be a whole number from ${min} to ${max}`, `invalid_${name}`);
  }
  return n;
}

export const usageRoute: RouteModule = (app, ctx) => {
  app.get('/v1/usage/summary', async (request) => {
    const key = await authenticate(ctx, request);
    request.oc.keyId = key.id;
    return usageSummary(ctx.store.db, key.accountId, ctx.config.freeCreditUsd);
  });

  app.get('/v1/usage', async (request) => {
    const key = await authenticate(ctx, request);
    request.oc.keyId = key.id;
    const q = (request.query ?? {}) as Record<string, unknown>;
    const limit = intParam(q.limit, 'limit', 50, 1, MAX_LIMIT);
    const offset = intParam(q.offset, 'offset', 0, 0, 1_000_000);
    const page = await usagePage(ctx.store.db, { accountId: key.accountId, keyId: key.id }, { limit, offset });
    return { data: page.data, has_more: page.offset + page.data.length < page.total };
  });
};
