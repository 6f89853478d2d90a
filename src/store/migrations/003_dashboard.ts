// 003_dashboard: dashboard sign-in sessions and the login-attempt counters that rate-limit
// password guessing (accounts/sessions.ts, accounts/login-limit.ts). Portable types only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    // SHA-256 of the random cookie token (hex); the token itself is never stored
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_account_idx').ifNotExists().on('sessions').column('account_id').execute();
  await db.schema.createIndex('sessions_expires_idx').ifNotExists().on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('login_attempts')
    .ifNotExists()
    // 'e:' + SHA-256(email + ip) or 'i:' + SHA-256(ip): no plain e-mail or address is kept
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .execute();
}
