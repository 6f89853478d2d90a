// `opencompress accounts create|list`: manage accounts from the command line (before or beside the
// dashboard). The first account of a fresh install becomes the admin.
import { createAccount, listAccounts, type Account } from '../accounts/accounts.js';
import { formatTable, parseCommandArgs, printJson, readSecretFromStdin, requireOption, runSubcommands, UsageError, withContext } from './command-support.js';

const HELP = `Usage:
  opencompress accounts create --email E [--password P | --password-stdin] [--json]
  opencompress accounts list [--json]

create   a new account; without a password it cannot sign in to the dashboard
         (API keys can still be created for it with \`opencompress keys create\`).
         --password-stdin reads the password from standard input (not visible in \`ps\`).
         The first account of a fresh install is the admin.
         --json prints {"id","email","is_admin"}.
list     every account; --json prints {"data":[{"id","email","is_admin","has_password","created_at"}]}.

Reads DATA_DIR / DATABASE_URL like \`opencompress serve\`.`;

export function accountToJson(a: Account) {
  return { id: a.id, email: a.email, is_admin: a.isAdmin, has_password: a.hasPassword, created_at: a.createdAt };
}

export async function run(argv: string[]): Promise<number> {
  return runSubcommands('accounts', HELP, argv, { create, list });
}

async function create(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, { email: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
  if (!args) return 0;
  const { values } = args;
  const email = requireOption(values.email, 'email');
  if (values.password !== undefined && values['password-stdin']) throw new UsageError('give --password or --password-stdin, not both');
  const password = values['password-stdin'] ? await readSecretFromStdin('--password-stdin') : values.password;
  return withContext(async (ctx) => {
    const account = await createAccount(ctx.store, { email, password });
    if (values.json) printJson({ id: account.id, email: account.email, is_admin: account.isAdmin });
    else {
      console.log(`Created account ${account.id} <${account.email}>${account.isAdmin ? ' (admin: first account of this install)' : ''}`);
      if (!account.hasPassword) console.log('It has no password, so it cannot sign in to the dashboard; create keys with `opencompress keys create`.');
    }
    return 0;
  });
}

async function list(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, {});
  if (!args) return 0;
  const { values } = args;
  return withContext(async (ctx) => {
    const accounts = await listAccounts(ctx.store, { limit: 100_000 });
    if (values.json) printJson({ data: accounts.map(accountToJson) });
    else if (accounts.length === 0) console.log('No accounts yet. Create one with `opencompress accounts create --email you@example.com`.');
    else {
      const rows = accounts.map((a) => [a.id, a.email, a.isAdmin ? 'yes' : '', a.hasPassword ? 'yes' : 'no', a.createdAt]);
      console.log(formatTable(['ID', 'EMAIL', 'ADMIN', 'PASSWORD', 'CREATED'], rows));
    }
    return 0;
  });
}
