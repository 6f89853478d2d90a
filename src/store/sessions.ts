// SQL for dashboard sessions and login-attempt counters (migration 003_dashboard). The rules —
// token generation, lifetimes, limits — live in accounts/sessions.ts and accounts/login-limit.ts.
import { sql, type Kysely } from 'kysely';
import type { Database, NewSessionRow, SessionRow } from './schema.js';

type Db = Kysely<Database>;

export async function insertSession(db: Db, row: NewSessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The session with this token hash that has not expired at `nowIso`. */
export async function findLiveSession(db: Db, tokenHash: string, nowIso: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', nowIso).executeTakeFirst();
}

export async function deleteSessionByTokenHash(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsForAccount(db: Db, accountId: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, nowIso: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Count one failed attempt for `scope` in one statement (safe under concurrency): a window that
 * started before `windowCutoffIso` restarts at 1. Returns the failures and the window start after.
 */
export async function recordLoginFailure(db: Db, scope: string, nowIso: string, windowCutoffIso: string): Promise<{ failures: number; windowStart: string }> {
  await db
    .insertInto('login_attempts')
    .values({ scope, failures: 1, window_start: nowIso })
    .onConflict((oc) =>
      oc.column('scope').doUpdateSet({
        failures: sql<number>`case when login_attempts.window_start < ${windowCutoffIso} then 1 else login_attempts.failures + 1 end`,
        window_start: sql<string>`case when login_attempts.window_start < ${windowCutoffIso} then ${nowIso} else login_attempts.window_start end`,
      }),
    )
    .execute();
  const row = await db.selectFrom('login_attempts').select(['failures', 'window_start']).where('scope', '=', scope).executeTakeFirstOrThrow();
  return { failures: Number(row.failures), windowStart: row.window_start };
}

export async function findLoginAttempts(db: Db, scope: string): Promise<{ failures: number; windowStart: string } | undefined> {
  const row = await db.selectFrom('login_attempts').select(['failures', 'window_start']).where('scope', '=', scope).executeTakeFirst();
  return row && { failures: Number(row.failures), windowStart: row.window_start };
}

export async function clearLoginAttempts(db: Db, scope: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('scope', '=', scope).execute();
}

export async function deleteStaleLoginAttempts(db: Db, windowCutoffIso: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('window_start', '<', windowCutoffIso).execute();
}
