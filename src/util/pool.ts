/**
 * A pool of up to `size` worker threads for batch jobs. Each job is one message in and one message
 * out; `run` resolves with the worker's reply. Threads start when a job finds none idle, so a pool
 * sized for a big run costs one thread on a 9-row input (a thread is ~10 MB). A worker's 'error'
 * or non-zero exit rejects every pending job and the pool refuses new ones: failures are loud,
 * never swallowed.
 */
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { OptionsError, WorkerError } from './errors.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class WorkerPool<In, Out> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ message: In; pending: Pending }> = [];
  private readonly busy = new Map<Worker, Pending>();
  private failure: Error | undefined;

  private readonly maxSize: number;

  constructor(private readonly url: URL, size: number, private readonly workerData?: unknown) {
    checkWorkerCount(size, 'workers', 1);
    this.maxSize = size;
  }

  private spawn(): Worker {
    const i = this.workers.length;
    const w = new Worker(this.url, { workerData: { ...(this.workerData as object | undefined), workerIndex: i } });
    w.on('message', (msg: Out) => this.done(w, msg));
    w.on('error', (err) => this.fail(new WorkerError(`worker ${i} failed: ${err.message}`, { cause: err })));
    w.on('exit', (code) => {
      if (code !== 0 && !this.closing) this.fail(new WorkerError(`worker ${i} exited with code ${code}`));
    });
    this.workers.push(w);
    return w;
  }

  private closing = false;

  /** The most threads this pool starts. */
  get size(): number {
    return this.maxSize;
  }

  /** Threads started so far. */
  get started(): number {
    return this.workers.length;
  }

  run(message: In): Promise<Out> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Out>((resolve, reject) => {
      const pending: Pending = { resolve: resolve as (v: unknown) => void, reject };
      const w = this.idle.pop() ?? (this.workers.length < this.maxSize && !this.closing ? this.spawn() : undefined);
      if (w) this.dispatch(w, message, pending);
      else this.queue.push({ message, pending });
    });
  }

  private dispatch(w: Worker, message: In, pending: Pending): void {
    this.busy.set(w, pending);
    w.postMessage(message);
  }

  private done(w: Worker, msg: Out): void {
    const pending = this.busy.get(w);
    this.busy.delete(w);
    pending?.resolve(msg);
    const next = this.queue.shift();
    if (next) this.dispatch(w, next.message, next.pending);
    else this.idle.push(w);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.busy.values()) p.reject(error);
    for (const q of this.queue) q.pending.reject(error);
    this.busy.clear();
    this.queue.length = 0;
    void this.close();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Default number of worker threads: every core but the one the main thread uses, at least 1. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * The most worker threads any pacsmine stage starts: 4 per core. More threads than cores only
 * cost memory (~10 MB each) and start-up; tens of thousands crash V8 outright.
 */
export function maxWorkerCount(): number {
  return 4 * os.availableParallelism();
}

/** Throws an OptionsError unless `n` is an integer from `min` to maxWorkerCount(). */
export function checkWorkerCount(n: number, name: string, min = 0): void {
  const max = maxWorkerCount();
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new OptionsError(`${name} must be an integer from ${min} to ${max} (4 per core), got ${n}`);
  }
}
