/** TEST ONLY: what workers.test.ts and probe.worker.ts agree on (the test must not import the entry). */
import type { BarrierHandle } from '../workers.js';

export interface ProbeData {
  failSetup?: string;
  setupDelayMs?: number;
  exitInSetup?: number;
  barrier?: BarrierHandle;
  /** Shared Int32Array: each worker writes what it observed at its own index. */
  flags?: Int32Array;
}

export type ProbeRequest =
  | { op: 'echo'; value: unknown }
  | { op: 'sleep'; ms: number; value: unknown }
  | { op: 'throw'; message: string }
  | { op: 'throwLater'; message: string }
  | { op: 'exit'; code: number }
  | { op: 'spin'; cooperative: boolean }
  | { op: 'barrier'; rounds: number }
  | { op: 'progress'; n: number }
  | { op: 'unclonable' }
  | { op: 'transfer'; n: number }
  /** Starts a group of its own (as LDA inside an ingest worker would) and echoes through it. */
  | { op: 'nested'; value: unknown };

/** What flags[index] holds after a spin or barrier request. */
export const SAW_CANCEL = 1;
export const BARRIER_THREW = 2;
