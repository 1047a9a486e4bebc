/**
 * The one worker-thread harness, main side (the worker side is serve-worker.ts; shared memory
 * and the barrier are shared-memory.ts). Every stage that uses threads — LDA, word2vec, CNN
 * data-parallel training, ingest, the archive generator — starts a WorkerGroup, so that they
 * all fail, cancel and shut down the same way:
 *
 * - `start` resolves once every worker has run its setup and said ready; a setup error rejects it.
 * - Any failure — an error reply, an uncaught exception in a worker, a worker exiting when the
 *   harness did not ask it to (whatever the code, 0 included), a worker terminated by someone
 *   else — rejects every pending and later call with a WorkerError naming the stage, the worker
 *   and the cause ("lda: worker 1 of 2 exited unexpectedly (code 1)"), and stops the others.
 * - Aborting `signal` rejects every pending and later call with CancelledError and stops the
 *   workers. Stopping = raise the group's shared flag (workers see `isCancelled()`, barriers
 *   throw), ask each worker to exit, and terminate those still running after `graceMs`.
 * - Nothing hangs: every way a worker can end is turned into a settled promise.
 *
 * Worker counts (`resolveWorkers`) mean one thing everywhere: 0 = no worker threads, the stage
 * runs in the calling thread; N ≥ 1 = N worker threads; undefined = one per core.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import os from 'node:os';
import { CancelledError, OptionsError, WorkerError } from './errors.js';
import { defaultWorkerCount, maxWorkerCount } from './worker-count.js';
import { cancelledError } from './progress.js';
import { CANCELLED, FAILED, deserializeError, type Envelope, type FromWorker, type SerializedError, type ToWorker } from './worker-protocol.js';

export { serveWorker, isCancelled, throwIfStopped, withTransfer, Transferred } from './serve-worker.js';
export type { WorkerContext, WorkerHandler, WorkerSetup } from './serve-worker.js';
export { shared, sharedCopy, createBarrier, Barrier } from './shared-memory.js';
export { defaultWorkerCount, maxWorkerCount, checkWorkerCount, WORKERS_PER_CORE } from './worker-count.js';
export type { BarrierHandle, TypedArray, TypedArrayConstructor } from './shared-memory.js';

export interface WorkerGroupOptions<Data> {
  /** The stage, as errors and the test hook name it: 'lda', 'word2vec', 'train', 'ingest', 'sample'. */
  stage: string;
  /** The worker entry file: `new URL('./sampler.worker.js', import.meta.url)`. */
  entry: URL;
  /** Number of worker threads (≥ 1; resolve user input with `resolveWorkers` first). */
  count: number;
  /** Each worker's own data (SharedArrayBuffers in it are shared, everything else is cloned). */
  workerData?: (index: number) => Data;
  signal?: AbortSignal;
  /** Receives what workers send with `ctx.progress(value)`. */
  onProgress?: (value: unknown, index: number) => void;
  /** How long stopping workers get to exit on their own before they are terminated. Default 1000 ms. */
  graceMs?: number;
}

/** Test-only: called with every worker the harness spawns (see setSpawnHook). */
export type SpawnHook = (stage: string, index: number, worker: Worker) => void;
let spawnHook: SpawnHook | undefined;

/**
 * TEST ONLY. Installs `hook`, called right after each worker is spawned, so that a test can
 * kill a worker of any stage mid-run (testing/kill-worker.ts does it after the worker's n-th
 * message) and check that the stage fails cleanly. Returns the previous hook.
 */
export function setSpawnHook(hook: SpawnHook | undefined): SpawnHook | undefined {
  const previous = spawnHook;
  spawnHook = hook;
  return previous;
}

interface Slot {
  index: number;
  worker: Worker;
  /** Calls sent to this worker and not settled yet. */
  inflight: number;
  ready: boolean;
  /** The harness asked it to exit (close message or terminate), so its exit is expected. */
  exitRequested: boolean;
  exited: boolean;
  exit: Promise<void>;
}

interface Pending {
  slot: Slot;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export class WorkerGroup<Req = unknown, Rep = unknown> {
  readonly stage: string;
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #queue: { body: Req; transfer: readonly TransferListItem[] | undefined; resolve: (v: Rep) => void; reject: (e: Error) => void }[] = [];
  /** The group's shared state word (worker-protocol.ts), seen by every worker. */
  readonly #control = new Int32Array(new SharedArrayBuffer(4));
  readonly #graceMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#fail(cancelledError(this.#signal as AbortSignal, this.stage));
  readonly #onProgress: WorkerGroupOptions<unknown>['onProgress'];
  #failure: Error | undefined;
  #closing = false;
  #shutdown: Promise<void> | undefined;
  #nextId = 1;
  #drainWaiters: (() => void)[] = [];
  #readyWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;

  /** Spawns `count` workers and resolves once all are ready. On any failure, stops them all and rejects. */
  static async start<Req = unknown, Rep = unknown, Data = unknown>(options: WorkerGroupOptions<Data>): Promise<WorkerGroup<Req, Rep>> {
    if (!Number.isInteger(options.count) || options.count < 1) {
      throw new OptionsError(`${options.stage}: a worker group needs count >= 1, got ${options.count} (workers: 0 means the stage runs in the calling thread, without a group)`);
    }
    if (options.signal?.aborted) throw cancelledError(options.signal, options.stage);
    const group = new WorkerGroup<Req, Rep>(options);
    const ready = new Promise<void>((resolve, reject) => { group.#readyWaiter = { resolve, reject }; });
    group.#spawn(options);
    try {
      await ready;
    } catch (e) {
      await group.#shutdown; // no thread outlives a failed start
      throw e;
    }
    return group;
  }

  private constructor(options: WorkerGroupOptions<unknown>) {
    this.stage = options.stage;
    this.size = options.count;
    this.#graceMs = options.graceMs ?? 1000;
    this.#signal = options.signal;
    this.#onProgress = options.onProgress;
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #spawn(options: WorkerGroupOptions<unknown>): void {
    for (let index = 0; index < this.size; index++) {
      let worker: Worker;
      try {
        const envelope: Envelope = {
          harness: { stage: this.stage, index, count: this.size, control: this.#control },
          data: options.workerData?.(index),
        };
        worker = new Worker(options.entry, { workerData: envelope });
      } catch (e) {
        this.#fail(this.#error(index, `could not be started: ${(e as Error).message}`, e));
        return;
      }
      let exited!: () => void;
      const slot: Slot = { index, worker, inflight: 0, ready: false, exitRequested: false, exited: false, exit: new Promise((r) => { exited = r; }) };
      this.#slots.push(slot);
      worker.on('message', (m: FromWorker) => this.#onMessage(slot, m));
      worker.on('messageerror', (e) => this.#fail(this.#error(index, 'sent a message that could not be read', e)));
      worker.on('error', (e) => this.#fail(this.#error(index, `crashed: ${e.message}`, e)));
      worker.on('exit', (code) => {
        slot.exited = true;
        exited();
        if (!slot.exitRequested) this.#fail(this.#error(index, `exited unexpectedly (code ${code})`));
      });
      spawnHook?.(this.stage, index, worker);
    }
  }

  #error(index: number, what: string, cause?: unknown): WorkerError {
    return new WorkerError(`${this.stage}: worker ${index} of ${this.size} ${what}`, { cause, stage: this.stage, workerIndex: index });
  }

  #onMessage(slot: Slot, m: FromWorker): void {
    switch (m.kind) {
      case 'ready':
        slot.ready = true;
        slot.worker.unref(); // an idle group does not keep the process alive
        if (this.#slots.length === this.size && this.#slots.every((s) => s.ready)) this.#readyWaiter?.resolve();
        return;
      case 'progress':
        try {
          this.#onProgress?.(m.body, slot.index);
        } catch (e) {
          this.#fail(new WorkerError(`${this.stage}: the onProgress callback threw: ${(e as Error).message}`, { cause: e, stage: this.stage }));
        }
        return;
      case 'reply': {
        const p = this.#settle(m.id);
        p?.resolve(m.body as never);
        this.#dispatchQueued(slot);
        this.#notifyDrained();
        return;
      }
      case 'error': {
        const what = m.id === undefined ? 'failed to start' : 'failed';
        this.#fail(this.#error(slot.index, `${what}: ${describe(m.error)}`, deserializeError(m.error)));
        return;
      }
    }
  }

  #settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    if (!p) return undefined;
    this.#pending.delete(id);
    if (--p.slot.inflight === 0 && !p.slot.exitRequested) p.slot.worker.unref();
    return p;
  }

  /** Sends `body` to worker `index` and resolves with its reply. */
  request(index: number, body: Req, transfer?: readonly TransferListItem[]): Promise<Rep> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const slot = this.#slots[index];
    if (!Number.isInteger(index) || !slot) return Promise.reject(new OptionsError(`${this.stage}: no worker ${index} (the group has ${this.size})`));
    return new Promise<Rep>((resolve, reject) => this.#send(slot, body, transfer, resolve, reject));
  }

  /** Sends one request to every worker (the same body, or `body(index)`) and resolves with all replies, in worker order. */
  broadcast(body: Req | ((index: number) => Req)): Promise<Rep[]> {
    const make = typeof body === 'function' ? (body as (index: number) => Req) : () => body;
    return Promise.all(this.#slots.map((s) => this.request(s.index, make(s.index))));
  }

  /** Queue mode: runs `body` on the next idle worker (one call at a time per worker), in submission order. */
  run(body: Req, transfer?: readonly TransferListItem[]): Promise<Rep> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<Rep>((resolve, reject) => {
      const idle = this.#slots.find((s) => s.inflight === 0);
      if (idle && this.#queue.length === 0) this.#send(idle, body, transfer, resolve, reject);
      else this.#queue.push({ body, transfer, resolve, reject });
    });
  }

  #dispatchQueued(slot: Slot): void {
    if (slot.inflight !== 0 || this.#failure) return;
    const next = this.#queue.shift();
    if (next) this.#send(slot, next.body, next.transfer, next.resolve, next.reject);
  }

  #send(slot: Slot, body: Req, transfer: readonly TransferListItem[] | undefined, resolve: (v: Rep) => void, reject: (e: Error) => void): void {
    const id = this.#nextId++;
    this.#pending.set(id, { slot, resolve: resolve as (v: never) => void, reject });
    if (slot.inflight++ === 0) slot.worker.ref(); // keep the process alive while work is out
    try {
      const m: ToWorker = { kind: 'request', id, body };
      slot.worker.postMessage(m, transfer);
    } catch (e) {
      // The request could not be cloned: a bug in the caller, reported on this call only.
      this.#settle(id);
      queueMicrotask(() => this.#notifyDrained());
      reject(new WorkerError(`${this.stage}: could not send a request to worker ${slot.index}: ${(e as Error).message}`, { cause: e, stage: this.stage, workerIndex: slot.index }));
    }
  }

  #refusal(): Error | undefined {
    if (this.#failure) return this.#failure;
    if (this.#closing) return new WorkerError(`${this.stage}: the worker group is closed`, { stage: this.stage });
    return undefined;
  }

  /** The error that stopped the group, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    Atomics.store(this.#control, 0, error instanceof CancelledError ? CANCELLED : FAILED);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
    for (const q of this.#queue.splice(0)) q.reject(error);
    this.#readyWaiter?.reject(error);
    this.#notifyDrained();
    void this.#stop(this.#graceMs);
  }

  #notifyDrained(): void {
    if (!this.#failure && (this.#pending.size !== 0 || this.#queue.length !== 0)) return;
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** Asks every worker to exit; terminates those still running after `graceMs`. Idempotent. */
  #stop(graceMs: number): Promise<void> {
    this.#shutdown ??= Promise.all(this.#slots.map(async (s) => {
      if (s.exited) return;
      s.exitRequested = true;
      s.worker.ref(); // the caller may be awaiting close(): keep the loop alive until the exit
      try {
        s.worker.postMessage({ kind: 'close' } satisfies ToWorker);
      } catch {
        // the thread is already going away
      }
      const timer = setTimeout(() => void s.worker.terminate(), graceMs);
      await s.exit;
      clearTimeout(timer);
    })).then(() => this.#signal?.removeEventListener('abort', this.#onAbort));
    return this.#shutdown;
  }

  /**
   * Graceful end: refuses new calls, waits for the calls in flight, then lets the workers exit
   * (terminating any that do not within graceMs). Resolves when every thread has exited; it does
   * not throw for an earlier failure (that reached the calls it concerned; see `failure`).
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#pending.size > 0 || this.#queue.length > 0) {
      await new Promise<void>((r) => this.#drainWaiters.push(r));
    }
    await this.#stop(this.#graceMs);
  }

  /** Immediate end: terminates every worker now; pending calls reject with WorkerError. */
  async terminate(): Promise<void> {
    this.#closing = true;
    this.#fail(new WorkerError(`${this.stage}: the worker group was terminated by its owner`, { stage: this.stage }));
    for (const s of this.#slots) {
      s.exitRequested = true;
      if (!s.exited) void s.worker.terminate();
    }
    await this.#stop(0);
  }
}

function describe(e: SerializedError): string {
  return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
}

export interface ResolveWorkersOptions {
  /** Units of work that can run in parallel (documents, studies, batches): never more threads than this. */
  items?: number;
  /** A ceiling for the default only (a stage that gains nothing beyond it); explicit requests are kept. */
  max?: number;
}

/**
 * The number of worker threads for a user's `workers` option, with ONE meaning everywhere:
 * - `0`: no worker threads; the stage runs in the calling thread (deterministic, easy to debug);
 * - `N ≥ 1`: N worker threads (at most `items`, since a thread with nothing to do is waste);
 * - `undefined`: the default, os.availableParallelism() threads, at most `max` and `items`.
 * Anything else (negative, fractional, more than maxWorkerCount(): 8 per core) is an OptionsError.
 */
export function resolveWorkers(requested: number | undefined, options: ResolveWorkersOptions = {}): number {
  const items = options.items === undefined ? Infinity : Math.max(1, options.items);
  if (requested === undefined) return Math.max(1, Math.min(defaultWorkerCount(), options.max ?? Infinity, items));
  const max = maxWorkerCount();
  if (!Number.isInteger(requested) || requested < 0 || requested > max) {
    throw new OptionsError(`workers must be an integer from 0 to ${max} (0 = in the calling thread, N = N worker threads; this machine has ${os.availableParallelism()} cores), got ${requested}`);
  }
  return requested === 0 ? 0 : Math.min(requested, items);
}
