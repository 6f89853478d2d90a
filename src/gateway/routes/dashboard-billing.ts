// Dashboard billing: the account's balance and ledger; for the admin, every account with its
// balance, creating accounts (how people get in when SIGNUP=closed) and granting credits.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAccount, findAccount, listAccounts } from '../../accounts/accounts.js';
import { balance, grantCredits, ledgerEntries } from '../../billing/reports.js';
import { badInput, dashboardNotFound } from '../dashboard-errors.js';
import { mapAccountsError, parseInput, type DashboardContext } from '../dashboard.js';

const grantSchema = z.object({
  accountId: z.string().min(1).max(100),
  usd: z.number().positive('the amount must be positive').max(1_000_000, 'at most $1,000,000 per grant'),
  note: z.string().max(200).optional(),
});

const ledgerPage = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

const newAccountSchema = z.object({ email: z.string().max(254), password: z.string().max(1024) });

export function registerBillingRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  /** Balance and one page of the ledger, newest first (`page` from 1, `pageSize` up to 200). */
  api.get('/billing', async (request) => {
    const accountId = request.account!.id;
    const { page, pageSize } = parseInput(ledgerPage, request.query);
    const bal = await balance(ctx.store.db, accountId, ctx.config.freeCreditUsd);
    const ledger = await ledgerEntries(ctx.store.db, accountId, { limit: pageSize, offset: (page - 1) * pageSize });
    return {
      balanceUsd: bal.balance_usd,
      ledger: ledger.data.map((e) => ({ id: e.id, at: e.created_at, kind: e.kind, amountUsd: e.amount_usd, balanceAfterUsd: e.balance_after_usd, note: e.note })),
      ledgerTotal: ledger.total,
      page,
      pageSize,
    };
  });

  api.register(async (admin) => {
    admin.addHook('preHandler', ctx.auth.requireAdmin);

    admin.get('/admin/accounts', async () => {
      const accounts = await listAccounts(ctx.store, { limit: 1000 });
      const data = [];
      for (const a of accounts) {
        const bal = await balance(ctx.store.db, a.id, ctx.config.freeCreditUsd);
        data.push({ id: a.id, email: a.email, isAdmin: a.isAdmin, createdAt: a.createdAt, balanceUsd: bal.balance_usd });
      }
      return { data };
    });

    admin.post('/admin/accounts', async (request, reply) => {
      const body = parseInput(newAccountSchema, request.body);
      const a = await createAccount(ctx.store, { email: body.email, password: body.password }).catch(mapAccountsError);
      const bal = await balance(ctx.store.db, a.id, ctx.config.freeCreditUsd);
      request.log.info({ accountId: a.id, by: request.account!.id }, 'dashboard account created by admin');
      reply.code(201);
      return { account: { id: a.id, email: a.email, isAdmin: a.isAdmin, createdAt: a.createdAt, balanceUsd: bal.balance_usd } };
    });

    admin.post('/admin/credits', async (request) => {
      const body = parseInput(grantSchema, request.body);
      if (!(await findAccount(ctx.store, body.accountId))) throw dashboardNotFound('account');
      let result;
      try {
        result = await grantCredits(ctx.store.db, body.accountId, body.usd, body.note?.trim() || `granted by ${request.account!.email}`, ctx.config.freeCreditUsd);
      } catch (err) {
        if (err instanceof RangeError) throw badInput(err.message);
        throw err;
      }
      request.log.info({ accountId: body.accountId, by: request.account!.id, usd: body.usd }, 'dashboard credits granted');
      return { balanceUsd: result.balance_usd };
    });
  });
}
