/**
 * Where ingest's batches are processed: on a WorkerGroup (stage 'ingest', process.worker.ts) or,
 * with `workers: 0`, in the calling thread through the same setup function. Threads start only
 * for the batches there are: the caller passes how many batches it has in hand when it starts,
 * so a 9-record input costs one thread, not one per core.
 */
import { WorkerGroup, resolveWorkers } from '../util/workers.js';
import { setupProcessor, type ProcessBatch, type ProcessedReport } from './process.js';

export interface BatchProcessor {
  /** Worker threads in use (0: the calling thread). */
  readonly workers: number;
  process(texts: string[]): Promise<ProcessedReport[]>;
  close(): Promise<void>;
}

/**
 * `workers` as the user gave it (resolveWorkers: 0, N, or undefined for one per core);
 * `batches`: how many batches are ready (never more threads than that).
 */
export async function startProcessor(workers: number | undefined, batches: number, signal?: AbortSignal): Promise<BatchProcessor> {
  const count = resolveWorkers(workers, { items: batches });
  if (count === 0) {
    const handle = setupProcessor();
    return { workers: 0, process: async (texts) => handle({ texts }), close: async () => undefined };
  }
  const group = await WorkerGroup.start<ProcessBatch, ProcessedReport[]>({
    stage: 'ingest',
    entry: new URL('./process.worker.js', import.meta.url),
    count,
    signal,
  });
  return { workers: count, process: (texts) => group.run({ texts }), close: () => group.close() };
}
