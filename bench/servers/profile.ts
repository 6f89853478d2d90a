// Benchmark child processes: an optional CPU profile of one phase (BENCH_PROFILE=dir), started and
// stopped over IPC ('profile-start' / 'profile-stop'); written as `<name>-<time>.cpuprofile`, for
// Chrome DevTools or any .cpuprofile viewer; the directory is created if missing. Without BENCH_PROFILE the commands do nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from 'node:inspector/promises';

let session: Session | null = null;

export async function profile(name: string, cmd: 'profile-start' | 'profile-stop'): Promise<void> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return;
  if (cmd === 'profile-start') {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  } else if (session) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    session = null;
  }
}
