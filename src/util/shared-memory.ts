/**
 * Memory that worker threads share without copying (a SharedArrayBuffer in workerData is
 * shared, not cloned), and a barrier to line them up between phases (LDA's
 * sweep / merge / publish, MALLET's barrier per iteration).
 */
import { throwIfStopped } from './serve-worker.js';

export type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

export interface TypedArrayConstructor<T extends TypedArray> {
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zero-filled typed array of `length` elements over a new SharedArrayBuffer: `shared(Float32Array, V * D)`. */
export function shared<T extends TypedArray>(Ctor: TypedArrayConstructor<T>, length: number): T {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`shared(): length must be an integer >= 0, got ${length}`);
  return new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT));
}

/** A copy of `source` in shared memory, of the same type (for a corpus read from disk). */
export function sharedCopy<T extends TypedArray>(source: T): T {
  const Ctor = source.constructor as TypedArrayConstructor<T>;
  const copy = shared(Ctor, source.length);
  (copy as unknown as { set(a: T): void }).set(source);
  return copy;
}

/** What a barrier is made of; pass it to workers in workerData and build a `Barrier` there. */
export interface BarrierHandle {
  readonly parties: number;
  /** Int32Array(2) over a SharedArrayBuffer: [arrived, generation]. */
  readonly words: Int32Array;
}

/** A barrier for `parties` threads (create it on the main side, before starting the group). */
export function createBarrier(parties: number): BarrierHandle {
  if (!Number.isInteger(parties) || parties < 1) throw new RangeError(`createBarrier(): parties must be an integer >= 1, got ${parties}`);
  return { parties, words: shared(Int32Array, 2) };
}

const ARRIVED = 0;
const GENERATION = 1;
/**
 * How often a waiting thread checks whether its group was cancelled or failed. The main side
 * cannot notify a barrier it does not know about, so waiters wake on this period; a blocked
 * thread costs one wake-up per period, nothing measurable.
 */
const CHECK_EVERY_MS = 20;

/**
 * A reusable generation barrier (no sense reversal needed: waiters watch the generation
 * counter, which only the last arriver bumps). `wait()` blocks the calling thread with
 * Atomics.wait, so it is for worker threads; the main thread must never wait on it.
 *
 * When the group is cancelled or a peer fails, every waiter wakes and throws (CancelledError
 * or WorkerError), so no worker blocks forever on a peer that will never arrive. A barrier
 * that threw is broken: its arrival count is no longer meaningful, and the group is done.
 */
export class Barrier {
  readonly parties: number;
  readonly #words: Int32Array;

  constructor(handle: BarrierHandle) {
    this.parties = handle.parties;
    this.#words = handle.words;
  }

  /** Blocks until all parties have called wait(); returns true in exactly one of them (the last to arrive). */
  wait(): boolean {
    const w = this.#words;
    throwIfStopped();
    const gen = Atomics.load(w, GENERATION);
    if (Atomics.add(w, ARRIVED, 1) === this.parties - 1) {
      // Reset before bumping the generation: a released thread may arrive at the next round at once.
      Atomics.store(w, ARRIVED, 0);
      Atomics.add(w, GENERATION, 1);
      Atomics.notify(w, GENERATION);
      return true;
    }
    while (Atomics.load(w, GENERATION) === gen) {
      Atomics.wait(w, GENERATION, gen, CHECK_EVERY_MS);
      if (Atomics.load(w, GENERATION) !== gen) break;
      throwIfStopped();
    }
    return false;
  }
}
