// Dashboard sign-up, sign-in, sign-out and "who am I", plus /api/meta (server facts the sign-in
// page needs before anyone is signed in). Sign-up respects SIGNUP=open|closed; the first account of
// a fresh install is the admin (accounts.createAccount decides that under a lock).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createAccount, authenticate, type Account } from '../../accounts/accounts.js';
import { MIN_PASSWORD_LENGTH } from '../../accounts/passwords.js';
import { countAccounts } from '../../store/accounts.js';
import { ensureBalance } from '../../billing/balances.js';
import { usdToMicros } from '../../billing/fees.js';
import { badCredentials, signupClosed, tooManyLoginAttempts, tooManySignups } from '../dashboard-errors.js';
import { mapAccountsError, parseInput, type DashboardContext } from '../dashboard.js';
import { sessionToken } from '../session-auth.js';
import { UPSTREAM_PRESETS } from './dashboard-presets.js';
import { PLAYGROUND_MAX_CHARS } from './dashboard-playground.js';

const credentials = z.object({
  email: z.string().max(254),
  password: z.string().max(1024),
});

/** The account as the browser may see it (no password hash, nothing else). */
export function publicAccount(a: Account): { id: string; email: string; isAdmin: boolean; createdAt: string } {
  return { id: a.id, email: a.email, isAdmin: a.isAdmin, createdAt: a.createdAt };
}

/** The base URL shown in snippets: PUBLIC_URL, else the address this request reached. */
export function baseUrlFor(ctx: DashboardContext, request: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

export function registerAuthRoutes(api: FastifyInstance, ctx: DashboardContext): void {
  api.get('/meta', async (request) => {
    const accounts = await countAccounts(ctx.store.db);
    return {
      signup: ctx.config.signup,
      setupRequired: accounts === 0,
      baseUrl: baseUrlFor(ctx, request),
      maxActiveKeys: ctx.keys.maxActiveKeys,
      presets: UPSTREAM_PRESETS,
      routerAvailable: Boolean(ctx.config.openrouterApiKey),
      feeRate: ctx.config.feeRate,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      playgroundMaxChars: PLAYGROUND_MAX_CHARS,
    };
  });

  api.post('/signup', async (request, reply) => {
    if (ctx.config.signup === 'closed') throw signupClosed();
    const body = parseInput(credentials, request.body);
    const allowed = await ctx.loginLimiter.checkSignup(request.ip);
    if (!allowed.allowed) throw tooManySignups(allowed.retryAfterSeconds);
    const account = await createAccount(ctx.store, { email: body.email, password: body.password }).catch(mapAccountsError);
    await ctx.loginLimiter.recordSignup(request.ip);
    // open the balance now so the welcome credit is on the ledger from the first page view
    await ensureBalance(ctx.store.db, account.id, usdToMicros(ctx.config.freeCreditUsd));
    const session = await ctx.sessions.create(account.id, { userAgent: request.headers['user-agent'] });
    ctx.auth.setCookie(request, reply, session);
    request.log.info({ accountId: account.id, admin: account.isAdmin }, 'dashboard sign-up');
    reply.code(201);
    return { account: publicAccount(account), csrfToken: session.csrfToken };
  });

  api.post('/login', async (request, reply) => {
    const body = parseInput(credentials, request.body);
    const check = await ctx.loginLimiter.check(body.email, request.ip);
    if (!check.allowed) throw tooManyLoginAttempts(check.retryAfterSeconds);
    const account = await authenticate(ctx.store, body.email, body.password);
    if (!account) {
      await ctx.loginLimiter.recordFailure(body.email, request.ip);
      throw badCredentials();
    }
    await ctx.loginLimiter.recordSuccess(body.email, request.ip);
    const session = await ctx.sessions.create(account.id, { userAgent: request.headers['user-agent'] });
    ctx.auth.setCookie(request, reply, session);
    return { account: publicAccount(account), csrfToken: session.csrfToken };
  });

  api.post('/logout', async (request, reply) => {
    const s = await ctx.auth.currentSession(request);
    if (s) {
      // signing out needs the CSRF token too: a forged sign-out is a nuisance worth refusing
      await ctx.auth.requireSession(request);
      await ctx.sessions.destroy(sessionToken(request));
    }
    ctx.auth.clearCookie(request, reply);
    reply.code(204).send();
  });

  api.get('/me', { preHandler: ctx.auth.requireSession }, async (request) => {
    const s = request.dashboardSession!;
    return { account: publicAccount(s.account), csrfToken: s.csrfToken };
  });
}
