// `opencompress credits grant|balance`: prepaid credit from the command line (the dashboard's admin
// form calls the same billing/reports.ts functions). Each grant is a ledger entry; the new balance
// is printed. Amounts are USD with at most 6 decimals (integer micro-dollars in the ledger).
import { balance, grantCredits, ledgerEntries } from '../billing/reports.js';
import { formatTable, parseCommandArgs, printJson, requireOption, runSubcommands, UsageError, withContext } from './command-support.js';

const HELP = `Usage:
  opencompress credits grant --account ID --usd N [--note TEXT] [--json]
  opencompress credits balance --account ID [--json]

grant     add N US dollars of prepaid credit to the account (a ledger entry) and print the new
          balance; --json prints {"account_id","granted_usd","balance_usd"}.
balance   the account's balance and its latest ledger entries; --json prints
          {"account_id","balance_usd","ledger":[{"created_at","kind","amount_usd","balance_after_usd","note"}]}.

New accounts start with FREE_CREDIT_USD (default 1). Reads DATA_DIR / DATABASE_URL like
\`opencompress serve\`.`;

export async function run(argv: string[]): Promise<number> {
  return runSubcommands('credits', HELP, argv, { grant, balance: showBalance });
}

function parseUsd(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('--usd is required');
  if (!/^\d+(\.\d{1,6})?$/.test(raw.trim())) throw new UsageError(`--usd must be a positive amount with at most 6 decimals, got "${raw}"`);
  const usd = Number(raw);
  if (!(usd > 0)) throw new UsageError('--usd must be greater than 0');
  if (usd > 1_000_000) throw new UsageError('--usd must be at most 1000000 per grant');
  return usd;
}

async function grant(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, { account: { type: 'string' }, usd: { type: 'string' }, note: { type: 'string' } });
  if (!args) return 0;
  const { values } = args;
  const account = requireOption(values.account, 'account');
  const usd = parseUsd(values.usd);
  const note = values.note?.slice(0, 500) ?? null;
  return withContext(async (ctx) => {
    let result;
    try {
      result = await grantCredits(ctx.store.db, account, usd, note, ctx.config.freeCreditUsd);
    } catch (err) {
      if (err instanceof Error && /^no account/.test(err.message)) {
        console.error(`opencompress credits: ${err.message}`);
        return 2;
      }
      throw err;
    }
    if (values.json) printJson({ account_id: account, granted_usd: usd, balance_usd: result.balance_usd });
    else console.log(`Granted $${usd} to ${account}. Balance: $${result.balance_usd.toFixed(6)}`);
    return 0;
  });
}

async function showBalance(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, { account: { type: 'string' } });
  if (!args) return 0;
  const { values } = args;
  const account = requireOption(values.account, 'account');
  return withContext(async (ctx) => {
    const { findAccountById } = await import('../store/accounts.js');
    if (!(await findAccountById(ctx.store.db, account))) {
      console.error(`opencompress credits: no account with id ${account}`);
      return 2;
    }
    const bal = await balance(ctx.store.db, account, ctx.config.freeCreditUsd);
    const ledger = await ledgerEntries(ctx.store.db, account, { limit: 20 });
    if (values.json) {
      printJson({
        account_id: account,
        balance_usd: bal.balance_usd,
        ledger: ledger.data.map((l) => ({ created_at: l.created_at, kind: l.kind, amount_usd: l.amount_usd, balance_after_usd: l.balance_after_usd, note: l.note })),
      });
    } else {
      console.log(`Balance of ${account}: $${bal.balance_usd.toFixed(6)}`);
      if (ledger.data.length) {
        console.log('');
        console.log(formatTable(['TIME', 'KIND', 'AMOUNT_USD', 'BALANCE_AFTER', 'NOTE'], ledger.data.map((l) => [l.created_at, l.kind, l.amount_usd.toFixed(6), l.balance_after_usd.toFixed(6), l.note ?? ''])));
      }
    }
    return 0;
  });
}
