/**
 * Runs the epochs of one training run, in the calling thread (`workers: 0`) or on N Hogwild
 * worker threads of the shared harness (util/workers.ts), which train the same shared weights
 * without locks, as gensim's nogil threads and the C tool do. Either way an epoch ends with
 * every thread idle, the moment `onEpoch` gets to checkpoint the weights.
 */
import { WorkerGroup } from '../util/workers.js';
import { throwIfCancelled, type RunControl } from '../util/progress.js';
import { makeKernel } from './kernels.js';
import type { KernelKind } from './options.js';
import { startEpoch, trainNextChunk, type ScheduleParams } from './schedule.js';
import type { TrainingArrays } from './training-arrays.js';
import type { EpochReply, EpochRequest, TrainerData } from './trainer-service.js';

export const STAGE = 'word2vec';

export interface EpochRunOptions extends RunControl {
  kernel: KernelKind;
  training: TrainingArrays;
  schedule: ScheduleParams;
  /** 0 = the calling thread; N = N worker threads (resolved already). */
  workers: number;
  seed: number;
  /** The first epoch to train (0, or the epoch a checkpoint stopped after). */
  firstEpoch: number;
  /** Saved random-number states, one per thread, to continue from. */
  rng?: readonly number[][];
  /** After each epoch, with the epochs done and each thread's random-number state; awaited. */
  onEpoch?: (epochsDone: number, rng: number[][]) => void | Promise<void>;
}

/** How often the calling-thread mode reports progress and lets the event loop run (an abort, a timer). */
const YIELD_MS = 100;
/** How often progress is read from the shared word counter while workers train. */
const POLL_MS = 250;

/** Trains epochs firstEpoch .. epochs - 1; returns the raw words trained. */
export async function runEpochs(o: EpochRunOptions): Promise<number> {
  const { schedule } = o;
  const report = (epoch: number): void => o.onProgress?.({
    stage: STAGE,
    done: Math.min(schedule.totalWords, Number(Atomics.load(schedule.progress, 0))),
    total: schedule.totalWords,
    unit: 'words',
    detail: `epoch ${epoch + 1}/${schedule.epochs}`,
  });
  throwIfCancelled(o.signal, STAGE);
  return o.workers === 0 ? inThread(o, report) : onWorkers(o, report);
}

async function inThread(o: EpochRunOptions, report: (epoch: number) => void): Promise<number> {
  const { schedule } = o;
  const kernel = makeKernel(o.kernel, o.training.arrays, o.training.layout, 0, o.seed);
  if (o.rng?.[0]) kernel.setRngState(o.rng[0]);
  let words = 0;
  for (let e = o.firstEpoch; e < schedule.epochs; e++) {
    startEpoch(schedule, e);
    let last = performance.now();
    for (;;) {
      const w = trainNextChunk(kernel, schedule, e);
      if (w < 0) break;
      words += w;
      if (performance.now() - last >= YIELD_MS) {
        report(e);
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfCancelled(o.signal, STAGE);
        last = performance.now();
      }
    }
    report(e);
    await o.onEpoch?.(e + 1, [kernel.rngState()]);
    throwIfCancelled(o.signal, STAGE);
  }
  return words;
}

async function onWorkers(o: EpochRunOptions, report: (epoch: number) => void): Promise<number> {
  const { schedule } = o;
  const group = await WorkerGroup.start<EpochRequest, EpochReply, TrainerData>({
    stage: STAGE,
    entry: new URL('./train.worker.js', import.meta.url),
    count: o.workers,
    workerData: (i) => ({
      kernel: o.kernel,
      arrays: o.training.arrays,
      layout: o.training.layout,
      schedule,
      seed: o.seed + i,
      ...(o.rng?.[i] ? { rng: o.rng[i] } : {}),
    }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let epoch = o.firstEpoch;
  const timer = setInterval(() => report(epoch), POLL_MS);
  timer.unref();
  let words = 0;
  try {
    for (; epoch < schedule.epochs; epoch++) {
      startEpoch(schedule, epoch);
      const replies = await group.broadcast({ epoch });
      for (const r of replies) words += r.words;
      report(epoch);
      await o.onEpoch?.(epoch + 1, replies.map((r) => r.rng));
      throwIfCancelled(o.signal, STAGE);
    }
  } finally {
    clearInterval(timer);
    await group.close();
  }
  return words;
}
