/**
 * Progress and cancellation, the same for every long-running call: a model's `train`, ingest,
 * the archive generator. The library reports plain `Progress` objects and never draws; the
 * CLI turns them into a progress bar (src/cli/progress.ts, `progressReporter`).
 */
import { CancelledError } from './errors.js';

export interface Progress {
  /** The stage that is working: 'lda', 'word2vec', 'ingest', ... */
  stage: string;
  /** Units finished so far (monotone within one call). */
  done: number;
  /** Units in all, when known up front (sweeps, epochs × words); absent for streams. */
  total?: number;
  /** What one unit is: 'sweeps', 'words', 'records', 'steps', 'studies'. */
  unit: string;
  /** A short, PHI-free note for humans ('K=20', 'epoch 3/5', 'loss 0.412'). */
  detail?: string;
}

/** What every long-running call accepts besides its own options. */
export interface RunControl {
  /** Aborting it stops the call, which then rejects with CancelledError. */
  signal?: AbortSignal;
  /** Called as work gets done; keep it cheap (it runs on the caller's thread). */
  onProgress?: (p: Progress) => void;
}

/**
 * Throws CancelledError when `signal` has fired. Call it between units of in-thread work
 * (every sweep, every batch): aborting can only stop code that looks.
 */
export function throwIfCancelled(signal: AbortSignal | undefined, stage?: string): void {
  if (signal?.aborted) throw cancelledError(signal, stage);
}

/** The CancelledError for a fired signal, with its reason as the cause. */
export function cancelledError(signal: AbortSignal, stage?: string): CancelledError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new CancelledError(`${stage ? `${stage}: ` : ''}cancelled${why}`, { cause: reason, stage });
}
