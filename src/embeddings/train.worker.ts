/** A Hogwild worker: trains chunks from the shared cursor on the shared weights, then reports its word count. */
import { parentPort, workerData } from 'node:worker_threads';
import type { KernelArrays } from './kernel.js';
import type { SharedLayout } from './layout.js';
import { runSchedule, type ScheduleParams } from './schedule.js';
import { makeKernel, type KernelKind } from './word2vec.js';

export interface WorkerInput {
  kernel: KernelKind;
  arrays: KernelArrays;
  layout: SharedLayout;
  thread: number;
  schedule: ScheduleParams;
  seed: number;
}

const input = workerData as WorkerInput;
const kernel = makeKernel(input.kernel, input.arrays, input.layout, input.thread, input.seed);
const words = runSchedule(kernel, input.schedule);
parentPort?.postMessage({ words });
