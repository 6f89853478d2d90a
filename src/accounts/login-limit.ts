// Rate limit on dashboard sign-in attempts, kept in the database so every gateway process shares it.
// Two counters per failed attempt: per (e-mail, IP) — 5 failures per 15 minutes — and per IP —
// 30 failures per 15 minutes, against one address trying many e-mails. A success clears the
// (e-mail, IP) counter. Scopes are SHA-256 hashes: no e-mail or address is stored in clear.
// Sign-ups are counted the same way, per IP (10 per hour), so a script cannot farm free credit.
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import * as table from '../store/sessions.js';

export interface LoginLimitOptions {
  windowMs?: number;
  maxPerEmailIp?: number;
  maxPerIp?: number;
  signupWindowMs?: number;
  maxSignupsPerIp?: number;
  now?: () => Date;
}

export type LoginCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

function scopeHash(kind: 'e' | 'i' | 's', ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

export class LoginLimiter {
  private readonly windowMs: number;
  private readonly maxPerEmailIp: number;
  private readonly maxPerIp: number;
  private readonly now: () => Date;
  private readonly signupWindowMs: number;
  private readonly maxSignupsPerIp: number;

  constructor(
    private readonly store: Store,
    opts: LoginLimitOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxPerEmailIp = opts.maxPerEmailIp ?? 5;
    this.maxPerIp = opts.maxPerIp ?? 30;
    this.now = opts.now ?? (() => new Date());
    this.signupWindowMs = opts.signupWindowMs ?? 3600_000;
    this.maxSignupsPerIp = opts.maxSignupsPerIp ?? 10;
  }

  private scopes(email: string, ip: string): { pair: string; ip: string } {
    return { pair: scopeHash('e', email.trim().toLowerCase(), ip), ip: scopeHash('i', ip) };
  }

  private retryAfter(windowStart: string, now: Date): number {
    return Math.max(1, Math.ceil((new Date(windowStart).getTime() + this.windowMs - now.getTime()) / 1000));
  }

  /** Whether another attempt may be made now (call before checking the password). */
  async check(email: string, ip: string): Promise<LoginCheck> {
    const now = this.now();
    const cutoff = now.getTime() - this.windowMs;
    const s = this.scopes(email, ip);
    for (const [scope, max] of [
      [s.pair, this.maxPerEmailIp],
      [s.ip, this.maxPerIp],
    ] as const) {
      const row = await table.findLoginAttempts(this.store.db, scope);
      if (row && new Date(row.windowStart).getTime() >= cutoff && row.failures >= max) {
        return { allowed: false, retryAfterSeconds: this.retryAfter(row.windowStart, now) };
      }
    }
    return { allowed: true };
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const now = this.now();
    const cutoffIso = new Date(now.getTime() - this.windowMs).toISOString();
    const s = this.scopes(email, ip);
    await table.recordLoginFailure(this.store.db, s.pair, now.toISOString(), cutoffIso);
    await table.recordLoginFailure(this.store.db, s.ip, now.toISOString(), cutoffIso);
    if (Math.random() < 0.02) {
      const oldest = new Date(now.getTime() - Math.max(this.windowMs, this.signupWindowMs)).toISOString();
      await table.deleteStaleLoginAttempts(this.store.db, oldest);
    }
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await table.clearLoginAttempts(this.store.db, this.scopes(email, ip).pair);
  }

  /** Whether this address may create another account now. */
  async checkSignup(ip: string): Promise<LoginCheck> {
    const now = this.now();
    const row = await table.findLoginAttempts(this.store.db, scopeHash('s', ip));
    if (row && new Date(row.windowStart).getTime() >= now.getTime() - this.signupWindowMs && row.failures >= this.maxSignupsPerIp) {
      const retry = Math.max(1, Math.ceil((new Date(row.windowStart).getTime() + this.signupWindowMs - now.getTime()) / 1000));
      return { allowed: false, retryAfterSeconds: retry };
    }
    return { allowed: true };
  }

  async recordSignup(ip: string): Promise<void> {
    const now = this.now();
    await table.recordLoginFailure(this.store.db, scopeHash('s', ip), now.toISOString(), new Date(now.getTime() - this.signupWindowMs).toISOString());
  }
}
