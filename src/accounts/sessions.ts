// Dashboard sessions: a random 32-byte token in an HttpOnly cookie, stored only as its SHA-256,
// with a fixed lifetime. The CSRF token of a session is derived from its token (HMAC), so it needs
// no storage, changes with every sign-in, and cannot be computed without the cookie.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import * as table from '../store/sessions.js';
import { findAccount, type Account } from './accounts.js';

export const SESSION_COOKIE = 'oc_session';
/** 14 days; signing out or an expired session requires signing in again */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

export interface NewSession {
  /** the cookie value; never stored */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface VerifiedSession {
  account: Account;
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function csrfTokenFor(token: string): string {
  return createHmac('sha256', token).update('opencompress-csrf-v1').digest('base64url');
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

export class SessionService {
  private lastSweep = 0;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number = SESSION_TTL_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(accountId: string, meta: { userAgent?: string } = {}): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await table.insertSession(this.store.db, {
      id: newId('sess'),
      token_hash: hashSessionToken(token),
      account_id: accountId,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      user_agent: meta.userAgent ? meta.userAgent.slice(0, 200) : null,
    });
    void this.sweep(now);
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /** The signed-in account for a cookie value, or null (unknown, expired, malformed). */
  async verify(token: unknown): Promise<VerifiedSession | null> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
    const row = await table.findLiveSession(this.store.db, hashSessionToken(token), this.now().toISOString());
    if (!row) return null;
    const account = await findAccount(this.store, row.account_id);
    if (!account) return null;
    return { account, sessionId: row.id, csrfToken: csrfTokenFor(token), expiresAt: row.expires_at };
  }

  async destroy(token: unknown): Promise<void> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return;
    await table.deleteSessionByTokenHash(this.store.db, hashSessionToken(token));
  }

  /** Sign an account out everywhere (e.g. after a password change). */
  async destroyAll(accountId: string): Promise<number> {
    return table.deleteSessionsForAccount(this.store.db, accountId);
  }

  /** Remove expired rows now and then (at most hourly), off the request's critical path. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < 3600_000) return;
    this.lastSweep = now.getTime();
    try {
      await table.deleteExpiredSessions(this.store.db, now.toISOString());
    } catch {
      /* best effort: expired sessions are refused by verify() anyway */
    }
  }
}
