// How a compression is timed. `cpu` (default) is the CPU time the process spent during the call
// (process.cpuUsage, µs resolution): on an idle machine it equals wall time, and on a shared machine
// it does not count the time spent waiting for a core, so figures stay comparable between runs.
// `wall` is elapsed time (performance.now).
import { performance } from 'node:perf_hooks';

export type Clock = 'cpu' | 'wall';
export const CLOCKS: readonly Clock[] = ['cpu', 'wall'];

/** Runs `fn` once and returns its result with the milliseconds it took on `clock`. */
export function timed<T>(clock: Clock, fn: () => T): { value: T; ms: number } {
  if (clock === 'wall') {
    const t0 = performance.now();
    const value = fn();
    return { value, ms: performance.now() - t0 };
  }
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, ms: (c.user + c.system) / 1000 };
}
