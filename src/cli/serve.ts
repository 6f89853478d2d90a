// `opencompress serve`: run the gateway. Reads the environment (config.ts), builds the app
// (gateway/app.ts), listens, prints the URLs, and shuts down gracefully on SIGTERM/SIGINT.
// With nothing configured this is the embedded default: SQLite in ./data, a master key generated
// into ./data, the dashboard at http://127.0.0.1:8787/. WORKERS > 1: this process becomes the
// cluster primary (gateway/cluster/primary.ts) and the same command, forked, runs each worker.
import { parseArgs } from 'node:util';
import { ENVIRONMENT_HELP, loadConfig, type Config } from '../config.js';

function help(): string {
  const width = Math.max(...ENVIRONMENT_HELP.map(([name]) => name.length));
  return [
    'Usage: opencompress serve [--port N] [--host ADDR]',
    '',
    'Runs the OpenAI-compatible gateway and the dashboard (WORKERS processes sharing the port).',
    'Point an OpenAI client at http://HOST:PORT/v1 with an sk-occ- key.',
    '',
    'Options:',
    '  --port N      listen port (overrides PORT)',
    '  --host ADDR   listen address (overrides HOST)',
    '  -h, --help    show this help',
    '',
    'Environment:',
    ...ENVIRONMENT_HELP.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`),
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(help());
    return 0;
  }
  const env = { ...process.env };
  if (values.port !== undefined) env.PORT = values.port;
  if (values.host !== undefined) env.HOST = values.host;
  const config = loadConfig(env);
  const cluster = (await import('node:cluster')).default;
  if (cluster.isWorker) return runClusterWorker(config);
  const announce = (port: number, location: string) => {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const base = (config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
    const workers = config.workers > 1 ? `\n  Workers:         ${config.workers}` : '';
    console.log(`OpenCompress is running.\n  Dashboard:       ${base}/\n  OpenAI base URL: ${base}/v1\n  Data:            ${location}${workers}`);
  };
  if (config.workers > 1) {
    const { runPrimary } = await import('../gateway/cluster/primary.js');
    return runPrimary(config, { env, onListening: announce });
  }
  const { buildApp } = await import('../gateway/app.js');
  const { installSignalHandlers } = await import('../gateway/shutdown.js');
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  announce(typeof address === 'object' && address ? address.port : config.port, app.services.store.location);
  return new Promise<number>((resolve) => installSignalHandlers(app, config.shutdownGraceMs, resolve));
}

/** A worker forked by the cluster primary; exits itself (see runWorker) with the outcome as code. */
async function runClusterWorker(config: Config): Promise<never> {
  const { runWorker } = await import('../gateway/cluster/worker.js');
  let code = 1;
  try {
    code = await runWorker(config);
  } catch (err) {
    console.error(`opencompress: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(code);
}
