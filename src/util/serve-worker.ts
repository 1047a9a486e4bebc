/**
 * The worker side of the harness (the main side is workers.ts). A worker entry file is two
 * lines, and holds nothing anyone would want to import:
 *
 *   import { serveWorker } from '../util/serve-worker.js';
 *   import { setupSampler } from './sampler-service.js';
 *   serveWorker(setupSampler);
 *
 * `setup(data, ctx)` runs once (it may be async) and returns the handler for requests. Every
 * exception, in setup or in a handler, goes back to the main side as an error reply with its
 * message and stack, so the caller always learns which stage and worker failed and why.
 */
import { isMainThread, parentPort, workerData, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { CancelledError, WorkerError } from './errors.js';
import { CANCELLED, RUNNING, serializeError, type Envelope, type FromWorker, type ToWorker } from './worker-protocol.js';

/** What a worker knows about itself, handed to its setup function. */
export interface WorkerContext {
  readonly stage: string;
  /** 0-based index of this worker in its group. */
  readonly index: number;
  /** Number of workers in the group. */
  readonly count: number;
  /** True once the caller aborted or a peer failed: long loops should check it and stop. */
  isCancelled(): boolean;
  /** Sends a progress value to the group's `onProgress` (cheap; send a few per second, not per item). */
  progress(value: unknown): void;
}

/** A reply whose buffers move to the main thread instead of being copied. */
export class Transferred<T> {
  constructor(readonly value: T, readonly transfer: readonly TransferListItem[]) {}
}

/** Marks a handler's reply so that `transfer` (ArrayBuffers, ports) is moved, not copied. */
export function withTransfer<T>(value: T, transfer: readonly TransferListItem[]): Transferred<T> {
  return new Transferred(value, transfer);
}

export type WorkerHandler<Req, Rep> = (request: Req) => Rep | Transferred<Rep> | Promise<Rep | Transferred<Rep>>;
export type WorkerSetup<Data, Req, Rep> = (data: Data, ctx: WorkerContext) => WorkerHandler<Req, Rep> | Promise<WorkerHandler<Req, Rep>>;

/** This thread's harness state; undefined in the main thread and in foreign workers. */
let current: { control: Int32Array; stage: string } | undefined;

/**
 * Serves requests from the WorkerGroup that started this thread. Throws in any other thread,
 * and when called twice in one thread: both mean that a worker entry file was imported for
 * its values (import the module that defines the setup function instead).
 */
export function serveWorker<Data, Req, Rep>(setup: WorkerSetup<Data, Req, Rep>): void {
  const env = workerData as Envelope | undefined;
  if (isMainThread || !parentPort || !env?.harness) {
    throw new WorkerError('serveWorker() runs only in a worker thread started by WorkerGroup; a module imported a worker entry file for its values (import the module that defines the setup function instead)');
  }
  const port: MessagePort = parentPort;
  if (current) {
    const e = new WorkerError(`${env.harness.stage}: serveWorker() was called twice in one worker: a worker entry file imports another one (import the module that defines the setup function instead)`);
    // Reported as a setup failure as well: it reaches the main side before the first call's ready message.
    port.postMessage({ kind: 'error', error: serializeError(e) } satisfies FromWorker);
    throw e;
  }
  const { stage, index, count, control } = env.harness;
  current = { control, stage };
  const post = (m: FromWorker, transfer?: readonly TransferListItem[]): void => port.postMessage(m, transfer);
  const ctx: WorkerContext = {
    stage, index, count,
    isCancelled,
    progress: (body) => post({ kind: 'progress', body }),
  };
  // Requests can arrive before an async setup has finished: each one waits for the handler.
  const handler = Promise.resolve().then(() => setup(env.data as Data, ctx));
  handler.then(
    () => post({ kind: 'ready' }),
    (e: unknown) => post({ kind: 'error', error: serializeError(e) }),
  );
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'close') {
      port.close();
      return;
    }
    void handler.then(async (h) => {
      try {
        const out = await h(m.body as Req);
        if (out instanceof Transferred) post({ kind: 'reply', id: m.id, body: out.value }, out.transfer);
        else post({ kind: 'reply', id: m.id, body: out });
      } catch (e) {
        // Also catches a reply that cannot be cloned (DataCloneError from postMessage).
        post({ kind: 'error', id: m.id, error: serializeError(e) });
      }
    }, () => undefined); // setup failed: already reported
  });
}

/** True once this worker's group was cancelled or a peer failed (always false outside a harness worker). */
export function isCancelled(): boolean {
  return current !== undefined && Atomics.load(current.control, 0) !== RUNNING;
}

/**
 * Throws when this worker should stop: CancelledError after an abort, WorkerError after a
 * peer's failure. For loops that prefer an exception to checking `isCancelled()`.
 */
export function throwIfStopped(): void {
  if (!current) return;
  const state = Atomics.load(current.control, 0);
  if (state === RUNNING) return;
  if (state === CANCELLED) throw new CancelledError(`${current.stage}: cancelled`, { stage: current.stage });
  throw new WorkerError(`${current.stage}: stopping because another worker of the group failed`, { stage: current.stage });
}
