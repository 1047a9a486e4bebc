/**
 * Worker counts, with one meaning and one ceiling everywhere (the harness's `resolveWorkers`,
 * the CLI's --workers and --threads flags, every stage): 0 = no worker threads, N = N threads,
 * not given = one per core. Kept apart from workers.ts so that the CLI's flag definitions can
 * read the ceiling without loading the harness.
 */
import os from 'node:os';
import { OptionsError } from './errors.js';

/** Threads allowed per core: more only costs memory (~10 MB a thread) and start-up; tens of thousands crash V8. */
export const WORKERS_PER_CORE = 8;

/** The default number of worker threads when none is asked for: one per core. */
export function defaultWorkerCount(): number {
  return os.availableParallelism();
}

/** The most worker threads any pacsmine stage starts: WORKERS_PER_CORE per core. */
export function maxWorkerCount(): number {
  return WORKERS_PER_CORE * os.availableParallelism();
}

/** Throws an OptionsError naming `name` unless `n` is an integer from `min` to maxWorkerCount(). */
export function checkWorkerCount(n: number, name: string, min = 0): void {
  const max = maxWorkerCount();
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OptionsError(`${name} must be an integer from ${min} to ${max} (${WORKERS_PER_CORE} per core), got ${n}`);
  }
}
