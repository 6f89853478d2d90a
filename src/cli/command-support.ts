// Shared plumbing of the store-backed commands (accounts, credits, keys, migrate, rotate-master-key):
// subcommand dispatch, argument parsing with the common --json/--help options, opening (and always
// closing) config + store + secrets + key service, and mapping errors to exit codes (2 = bad input,
// 1 = anything else). Error messages never include a secret.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { AccountsError } from '../accounts/errors.js';
import { createKeyService, type KeyService } from '../accounts/keys.js';
import { openStore, type Store } from '../store/index.js';
import { createSecrets, SecretsError, type Secrets } from '../secrets/index.js';

export class UsageError extends Error {}

export interface CommandContext {
  config: Config;
  store: Store;
  close(): Promise<void>;
}

export interface KeysContext extends CommandContext {
  secrets: Secrets;
  keys: KeyService;
  /** key changes are announced to running gateways over Redis (REDIS_URL set and reachable) */
  notices: boolean;
}

export async function openContext(env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  const config = loadConfig(env);
  const store = await openStore(config);
  return { config, store, close: () => store.close() };
}

export async function openKeysContext(env: NodeJS.ProcessEnv = process.env): Promise<KeysContext> {
  const config = loadConfig(env);
  const secrets = createSecrets(config);
  const store = await openStore(config);
  try {
    const base = { store, secrets, allowPrivateUpstreams: config.allowPrivateUpstreams };
    let keys: KeyService;
    let notices = Boolean(config.redisUrl);
    try {
      keys = await createKeyService({ ...base, redisUrl: config.redisUrl });
    } catch (err) {
      if (!config.redisUrl || !/revocation notices/.test((err as Error).message)) throw err;
      // A revocation must still go through when Redis is down: gateways follow within the 1 s cache TTL.
      console.error(`opencompress: warning: ${(err as Error).message}; continuing without Redis (gateways notice changes within 1 s)`);
      keys = await createKeyService(base);
      notices = false;
    }
    return {
      config,
      store,
      secrets,
      keys,
      notices,
      async close() {
        await keys.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Runs `body` with an open store context, closing it afterwards whatever happens. */
export async function withContext<T>(body: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const ctx = await openContext();
  try {
    return await body(ctx);
  } finally {
    await ctx.close();
  }
}

/** Runs `body` with an open store + key service context, closing it afterwards whatever happens. */
export async function withKeysContext<T>(body: (ctx: KeysContext) => Promise<T>): Promise<T> {
  const ctx = await openKeysContext();
  try {
    return await body(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * `opencompress NAME SUB ...`: runs the named subcommand under runCommand. No subcommand prints the
 * help and exits 2; `help`, `--help` or `-h` prints it and exits 0; an unknown one is a usage error.
 */
export function runSubcommands(
  name: string,
  help: string,
  argv: string[],
  subcommands: Record<string, (argv: string[]) => Promise<number>>,
): Promise<number> {
  return runCommand(name, help, async () => {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
      console.log(help);
      return sub ? 0 : 2;
    }
    const handler = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
    if (!handler) throw new UsageError(`unknown subcommand "${sub}"`);
    return handler(rest);
  });
}

const COMMON_OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type CommandArgsConfig<O extends OptionsConfig> = { args: string[]; allowPositionals: true; options: O & typeof COMMON_OPTIONS };
/** What parseCommandArgs returns: parseArgs' typed { values, positionals }. */
export type CommandArgs<O extends OptionsConfig> = ReturnType<typeof parseArgs<CommandArgsConfig<O>>>;

/**
 * parseArgs for one (sub)command, with --json and --help/-h added to `options`. Returns null when
 * --help was given (the help has been printed: exit 0). Positional arguments are refused unless
 * `oneArgument` is given: then exactly one is required, and `oneArgument` is the usage error otherwise.
 */
export function parseCommandArgs<O extends OptionsConfig>(
  argv: string[],
  help: string,
  options: O,
  oneArgument?: string,
): CommandArgs<O> | null {
  const parsed = parseOrUsage(() =>
    parseArgs<CommandArgsConfig<O>>({
      args: argv,
      allowPositionals: true,
      options: { ...options, ...COMMON_OPTIONS },
    }),
  );
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return null;
  }
  if (oneArgument !== undefined) {
    if (parsed.positionals.length !== 1) throw new UsageError(oneArgument);
  } else if (parsed.positionals.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  }
  return parsed;
}

/** A required string option's value, or a usage error naming it. */
export function requireOption(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** parseArgs errors (unknown option, missing value) become usage errors. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (0 = unlimited), got "${value}"`);
  return Number(value);
}

/** Runs a command body, printing errors to stderr and returning the exit code. */
export async function runCommand(name: string, help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`opencompress ${name}: ${err.message}\n\n${help}`);
      return 2;
    }
    if (err instanceof AccountsError) {
      console.error(`opencompress ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof SecretsError) {
      console.error(`opencompress ${name}: ${err.message}`);
      return 1;
    }
    console.error(`opencompress ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** A secret piped on standard input (keeps it out of `ps` and shell history); one trailing newline dropped. */
export async function readSecretFromStdin(option: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new UsageError(`${option}: nothing on standard input`);
  return text;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** A plain text table: header row, then rows; columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
