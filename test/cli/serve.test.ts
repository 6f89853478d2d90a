// `opencompress serve`: --help lists every environment variable; the embedded default starts with
// nothing configured (SQLite and a generated master key in DATA_DIR), prints the dashboard URL,
// answers /healthz and exits cleanly on SIGTERM.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_HELP } from '../../src/config.js';
import { run } from '../../src/cli/serve.js';

describe('opencompress serve', () => {
  test('--help lists every environment variable', async () => {
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: string) => void lines.push(s);
    try {
      assert.equal(await run(['--help']), 0);
    } finally {
      console.log = orig;
    }
    const text = lines.join('\n');
    for (const [name] of ENVIRONMENT_HELP) assert.ok(text.includes(name), name);
  });

  test('starts with the embedded default, prints the URL, shuts down on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oc-serve-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.OPENCOMPRESS_MASTER_KEY;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Dashboard:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
      });
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(out.includes(`${url}/v1`));
      assert.ok(existsSync(join(dataDir, 'opencompress.db')));
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
