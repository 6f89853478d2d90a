// Accounts: create (the first account of an install is the admin), find, list, authenticate.
// E-mails are trimmed and lower-cased before they are stored or looked up.
import type { Store } from '../store/index.js';
import * as table from '../store/accounts.js';
import { newId, nowIso } from '../store/ids.js';
import { lockNamed } from '../store/settings.js';
import type { AccountRow } from '../store/schema.js';
import { AccountsError, invalidInput } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';

export interface Account {
  id: string;
  email: string;
  isAdmin: boolean;
  hasPassword: boolean;
  createdAt: string;
}

export function toAccount(row: AccountRow): Account {
  return { id: row.id, email: row.email, isAdmin: row.is_admin === 1, hasPassword: row.password_hash !== null, createdAt: row.created_at };
}

const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:]+$/;

export function normalizeEmail(email: unknown): string {
  if (typeof email !== 'string') throw invalidInput('email must be a string');
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !EMAIL.test(e)) throw invalidInput('email is not a valid e-mail address');
  return e;
}

export interface CreateAccountInput {
  email: string;
  /** omitted: an account that cannot sign in to the dashboard until a password is set */
  password?: string;
}

export async function createAccount(store: Store, input: CreateAccountInput): Promise<Account> {
  const email = normalizeEmail(input.email);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const row: AccountRow = { id: newId('acct'), email, password_hash: passwordHash, is_admin: 0, created_at: nowIso() };
  await store.db.transaction().execute(async (trx) => {
    await lockNamed(trx, 'accounts'); // creations run one at a time: exactly one first account
    if (await table.findAccountByEmail(trx, email)) throw new AccountsError('conflict', 'an account with this email already exists');
    row.is_admin = (await table.countAccounts(trx)) === 0 ? 1 : 0;
    await table.insertAccount(trx, row);
  });
  return toAccount(row);
}

export async function findAccount(store: Store, id: string): Promise<Account | undefined> {
  const row = await table.findAccountById(store.db, id);
  return row && toAccount(row);
}

export async function findAccountByEmail(store: Store, email: string): Promise<Account | undefined> {
  let normalized: string;
  try {
    normalized = normalizeEmail(email);
  } catch {
    return undefined;
  }
  const row = await table.findAccountByEmail(store.db, normalized);
  return row && toAccount(row);
}

export async function listAccounts(store: Store, opts: { limit?: number; offset?: number } = {}): Promise<Account[]> {
  return (await table.listAccounts(store.db, opts)).map(toAccount);
}

/** The account when the e-mail and password match, else null (same work either way). */
export async function authenticate(store: Store, email: string, password: string): Promise<Account | null> {
  let row: AccountRow | undefined;
  try {
    row = await table.findAccountByEmail(store.db, normalizeEmail(email));
  } catch {
    row = undefined;
  }
  const ok = await verifyPassword(password, row?.password_hash ?? null);
  return ok && row ? toAccount(row) : null;
}

export async function setPassword(store: Store, accountId: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  if (!(await table.setPasswordHash(store.db, accountId, hash))) throw new AccountsError('not_found', 'no such account');
}
