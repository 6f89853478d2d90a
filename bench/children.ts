// Benchmark child processes (bench/servers/*.ts run with tsx): started with fork, ready when they
// send `{ ready: true, … }` over IPC (their URL, key, …), asked for figures with `{ cmd, id }` and
// stopped with `{ cmd: 'stop' }` (killed if they have not exited 10 s later).
import { fork, type ChildProcess } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  info: Record<string, string>;
  ask(cmd: string): Promise<Record<string, number>>;
}

/** `file`: a path, or a URL (e.g. `new URL('./servers/mock.ts', import.meta.url)`) */
export function start(file: string | URL, env: Record<string, string> = {}): Promise<Child> {
  const proc = fork(file, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let seq = 0;
  const waiting = new Map<number, (m: Record<string, number>) => void>();
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${String(file)} exited with ${code}`)));
    proc.on('message', (msg: any) => {
      if (msg.ready) {
        resolve({
          proc,
          info: msg,
          ask(cmd) {
            const id = ++seq;
            return new Promise((r) => {
              waiting.set(id, r);
              proc.send({ cmd, id });
            });
          },
        });
      } else if (typeof msg.id === 'number') {
        waiting.get(msg.id)?.(msg);
        waiting.delete(msg.id);
      }
    });
  });
}

export function stop(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.proc.removeAllListeners('exit');
    child.proc.once('exit', () => resolve());
    child.proc.send({ cmd: 'stop' });
    setTimeout(() => child.proc.kill('SIGKILL'), 10_000).unref();
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
