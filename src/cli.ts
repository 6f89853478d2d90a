// `opencompress <command>`: a thin dispatcher. Each command group lives in src/cli/<name>.ts and
// exports `run(argv: string[]): Promise<number>` (the process exit code); it is imported lazily so
// `opencompress compress` never loads the gateway and `serve` never loads the eval harness.
const commands: Record<string, { file: string; help: string }> = {
  serve: { file: './cli/serve.js', help: 'run the gateway (HTTP server, dashboard)' },
  compress: { file: './cli/compress.js', help: 'compress a chat request JSON or plain text' },
  eval: { file: './cli/eval.js', help: 'measure the engine on a directory of JSONL eval cases' },
  accounts: { file: './cli/accounts.js', help: 'create and list accounts' },
  keys: { file: './cli/keys.js', help: 'create, list, update and revoke API keys' },
  credits: { file: './cli/credits.js', help: 'grant prepaid credits to an account' },
  migrate: { file: './cli/migrate.js', help: 'create or upgrade the database schema' },
  'rotate-master-key': { file: './cli/rotate-master-key.js', help: 're-encrypt every stored upstream key' },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.help}`);
  return `Usage: opencompress <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`opencompress <command> --help\` for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`opencompress: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = (await import(command.file)) as { run: (argv: string[]) => Promise<number> };
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`opencompress: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
