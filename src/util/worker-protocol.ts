/**
 * The messages between a WorkerGroup (workers.ts) and serveWorker (serve-worker.ts), and the
 * layout of the group's shared control word. Internal to the harness: stages never see these.
 */

/** control[0]: the group is running. */
export const RUNNING = 0;
/** control[0]: the caller aborted; workers should stop at their next check. */
export const CANCELLED = 1;
/** control[0]: a peer failed; workers should stop at their next check. */
export const FAILED = 2;

/** What the harness puts in each worker's workerData, around the stage's own data. */
export interface Envelope {
  harness: {
    stage: string;
    index: number;
    count: number;
    /** Int32Array(1) over a SharedArrayBuffer, one per group: RUNNING, CANCELLED or FAILED. */
    control: Int32Array;
  };
  data: unknown;
}

export type ToWorker =
  | { kind: 'request'; id: number; body: unknown }
  /** Finish: close the port so that the thread's event loop ends and it exits with code 0. */
  | { kind: 'close' };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; body: unknown }
  /** `id` absent: setup failed. */
  | { kind: 'error'; id?: number; error: SerializedError }
  | { kind: 'progress'; body: unknown };

/** An Error as it crosses the thread boundary (class identity does not survive cloning). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** An Error for the main side that carries the worker's name, code and stack. */
export function deserializeError(s: SerializedError): Error {
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  if (s.code) (e as Error & { code?: string }).code = s.code;
  return e;
}
