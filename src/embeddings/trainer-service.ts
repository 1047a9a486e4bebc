/**
 * The Hogwild worker's side of word2vec training (its entry file, train.worker.ts, only serves
 * this). A worker builds its kernel once over the shared arrays, then trains its share of one
 * epoch per request, taking chunks from the shared cursor, and replies with its word count and
 * its random-number state (which a checkpoint saves).
 */
import type { WorkerContext, WorkerHandler } from '../util/serve-worker.js';
import type { KernelArrays } from './kernel.js';
import { makeKernel } from './kernels.js';
import type { SharedLayout } from './layout.js';
import type { KernelKind } from './options.js';
import { runEpoch, type ScheduleParams } from './schedule.js';

export interface TrainerData {
  kernel: KernelKind;
  arrays: KernelArrays;
  layout: SharedLayout;
  schedule: ScheduleParams;
  /** This thread's seed (the run's seed + its index). */
  seed: number;
  /** A saved random-number state to continue from (a resumed run), instead of the seed's. */
  rng?: number[];
}

export interface EpochRequest {
  epoch: number;
}

export interface EpochReply {
  /** Raw words this worker trained in the epoch. */
  words: number;
  /** Its random-number state after the epoch. */
  rng: number[];
}

export function setupTrainer(data: TrainerData, ctx: Pick<WorkerContext, 'index' | 'isCancelled'>): WorkerHandler<EpochRequest, EpochReply> {
  const kernel = makeKernel(data.kernel, data.arrays, data.layout, ctx.index, data.seed);
  if (data.rng) kernel.setRngState(data.rng);
  return ({ epoch }) => {
    // A cancelled group stops between chunks (about 10,000 words, a few milliseconds).
    const words = runEpoch(kernel, data.schedule, epoch, () => ctx.isCancelled());
    return { words, rng: kernel.rngState() };
  };
}
