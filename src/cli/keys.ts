// `opencompress keys create|list|revoke|update`: API keys from the command line. The raw key is
// printed once at creation; the upstream key of a BYOK key is never printed (only its last 4).
import { findAccount, findAccountByEmail } from '../accounts/accounts.js';
import { notFound } from '../accounts/errors.js';
import type { KeyInfo, KeyMode, KeyUpdate } from '../accounts/keys.js';
import type { Store } from '../store/index.js';
import {
  formatTable,
  intOption,
  parseCommandArgs,
  printJson,
  readSecretFromStdin,
  requireOption,
  runSubcommands,
  UsageError,
  withKeysContext,
} from './command-support.js';

const HELP = `Usage:
  opencompress keys create --account ID|EMAIL --mode router [options]
  opencompress keys create --account ID|EMAIL --mode byok --upstream-base-url URL (--upstream-key KEY | --upstream-key-stdin) [options]
  opencompress keys list --account ID|EMAIL [--active] [--json]
  opencompress keys revoke KEY_ID [--json]
  opencompress keys update KEY_ID [--name N] [--level L|default] [--rpm N] [--concurrency N] [--json]

create options:
  --upstream-key-stdin  read the upstream key from standard input (keeps it out of \`ps\` and shell history)
  --name N              a label for the key
  --provider P          upstream kind, informational (openai, azure, anthropic, groq, together, custom …)
  --level L             default compression: off | lossless | balanced | aggressive
  --rpm N               requests per minute (default 60, 0 = unlimited)
  --concurrency N       concurrent requests (default 10, 0 = unlimited)
  --json                print {"id","key","prefix","account_id","mode","name"}

The raw sk-occ- key is shown once. BYOK base URLs must be https and public unless
ALLOW_PRIVATE_UPSTREAMS=1. An account has at most 5 active keys.
list prints every key (revoked ones too unless --active); --json prints {"data":[…]} where the
upstream key appears only as upstream_key_last4.
Revocation takes effect at once in this process, at once in gateways sharing REDIS_URL, and
within 1 s in every other gateway.`;

export function keyToJson(k: KeyInfo) {
  return {
    id: k.id,
    account_id: k.accountId,
    name: k.name,
    prefix: k.prefix,
    mode: k.mode,
    status: k.status,
    upstream_base_url: k.upstreamBaseUrl,
    upstream_provider: k.upstreamProvider,
    upstream_key_last4: k.upstreamKeyLast4,
    level: k.level,
    rpm: k.rpm,
    concurrency: k.concurrency,
    created_at: k.createdAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}

export async function run(argv: string[]): Promise<number> {
  return runSubcommands('keys', HELP, argv, { create, list, revoke, update });
}

async function resolveAccountId(store: Store, ref: string): Promise<string> {
  const account = ref.includes('@') ? await findAccountByEmail(store, ref) : await findAccount(store, ref);
  if (!account) throw notFound(`no account ${ref}`);
  return account.id;
}

const ONE_KEY_ID = 'give exactly one key id (see `opencompress keys list`)';

function levelOption(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === 'default' ? null : value;
}

async function create(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, {
    account: { type: 'string' },
    mode: { type: 'string' },
    'upstream-base-url': { type: 'string' },
    'upstream-key': { type: 'string' },
    'upstream-key-stdin': { type: 'boolean' },
    name: { type: 'string' },
    provider: { type: 'string' },
    level: { type: 'string' },
    rpm: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (!args) return 0;
  const { values } = args;
  const account = requireOption(values.account, 'account');
  if (values.mode !== 'router' && values.mode !== 'byok') throw new UsageError('--mode must be "router" or "byok"');
  const rpm = intOption(values.rpm, 'rpm');
  const concurrency = intOption(values.concurrency, 'concurrency');
  if (values['upstream-key'] !== undefined && values['upstream-key-stdin']) throw new UsageError('give --upstream-key or --upstream-key-stdin, not both');
  const upstreamKey = values['upstream-key-stdin'] ? await readSecretFromStdin('--upstream-key-stdin') : values['upstream-key'];
  return withKeysContext(async (ctx) => {
    const accountId = await resolveAccountId(ctx.store, account);
    const created = await ctx.keys.create({
      accountId,
      mode: values.mode as KeyMode,
      name: values.name,
      upstreamBaseUrl: values['upstream-base-url'],
      upstreamKey,
      upstreamProvider: values.provider,
      level: levelOption(values.level) ?? undefined,
      rpm,
      concurrency,
    });
    if (values.json) {
      printJson({ id: created.id, key: created.key, prefix: created.prefix, account_id: accountId, mode: created.info.mode, name: created.info.name });
    } else {
      const k = created.info;
      console.log(`Created ${k.mode === 'byok' ? 'BYOK' : 'Router'} key ${k.id}${k.name ? ` "${k.name}"` : ''} for account ${accountId}:\n`);
      console.log(`  ${created.key}\n`);
      console.log('Copy it now: this is the only time it is shown, and it cannot be recovered.');
      if (k.mode === 'byok') console.log(`Upstream: ${k.upstreamBaseUrl}${k.upstreamKeyLast4 ? ` (key …${k.upstreamKeyLast4})` : ''}`);
    }
    return 0;
  });
}

async function list(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, { account: { type: 'string' }, active: { type: 'boolean' } });
  if (!args) return 0;
  const { values } = args;
  const account = requireOption(values.account, 'account');
  return withKeysContext(async (ctx) => {
    const accountId = await resolveAccountId(ctx.store, account);
    const keys = await ctx.keys.list(accountId, { includeRevoked: !values.active });
    if (values.json) printJson({ data: keys.map(keyToJson) });
    else if (keys.length === 0) console.log(`No keys for ${accountId}. Create one with \`opencompress keys create --account ${accountId} --mode router\`.`);
    else {
      const rows = keys.map((k) => [
        k.id,
        k.name || '-',
        k.prefix,
        k.mode,
        k.status,
        k.mode === 'byok' ? `${k.upstreamBaseUrl ?? ''}${k.upstreamKeyLast4 ? ` …${k.upstreamKeyLast4}` : ''}` : '-',
        k.level ?? 'default',
        `${k.rpm || '∞'}/${k.concurrency || '∞'}`,
        k.createdAt,
        k.lastUsedAt ?? 'never',
      ]);
      console.log(formatTable(['ID', 'NAME', 'PREFIX', 'MODE', 'STATUS', 'UPSTREAM', 'LEVEL', 'RPM/CONC', 'CREATED', 'LAST USED'], rows));
    }
    return 0;
  });
}

async function revoke(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, HELP, {}, ONE_KEY_ID);
  if (!args) return 0;
  const { values, positionals } = args;
  return withKeysContext(async (ctx) => {
    const k = await ctx.keys.revoke(positionals[0]);
    if (values.json) printJson({ id: k.id, prefix: k.prefix, status: k.status, revoked_at: k.revokedAt });
    else {
      // DESIGN §3: a revoked key fails on every node within 1 s. Without a Redis notice a running
      // gateway may still accept it from its key cache until the entry expires (≤ 1 s).
      const when = ctx.notices ? 'at once (notice sent over Redis; within 1 second at the latest)' : 'within 1 second (when their key cache entry expires)';
      console.log(`Revoked ${k.id} (${k.prefix}) at ${k.revokedAt}. Running gateways refuse it ${when}.`);
    }
    return 0;
  });
}

async function update(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    argv,
    HELP,
    { name: { type: 'string' }, level: { type: 'string' }, rpm: { type: 'string' }, concurrency: { type: 'string' } },
    ONE_KEY_ID,
  );
  if (!args) return 0;
  const { values, positionals } = args;
  const patch: KeyUpdate = { name: values.name, level: levelOption(values.level), rpm: intOption(values.rpm, 'rpm'), concurrency: intOption(values.concurrency, 'concurrency') };
  if (Object.values(patch).every((v) => v === undefined)) throw new UsageError('nothing to update: give --name, --level, --rpm or --concurrency');
  return withKeysContext(async (ctx) => {
    const k = await ctx.keys.update(positionals[0], patch);
    if (values.json) printJson(keyToJson(k));
    else console.log(`Updated ${k.id} (${k.prefix}): name "${k.name}", level ${k.level ?? 'default'}, rpm ${k.rpm}, concurrency ${k.concurrency}.`);
    return 0;
  });
}
