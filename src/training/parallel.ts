/**
 * Data-parallel gradients on CPU: the wasm backend runs one thread in Node, so N engines
 * work on contiguous slices of every batch: this thread's own (slice 0, on the master
 * weights, so it needs no copy) and N-1 worker threads, each with its own wasm engine. The
 * batch and the weights travel through SharedArrayBuffers; each worker writes its
 * slice-mean gradients into its own region, and this thread averages all slices weighted
 * by their size, so the result is the full-batch mean gradient up to float rounding.
 * (One engine fewer than threads-only saves a whole wasm heap and JS isolate.)
 */
import { Worker } from 'node:worker_threads';
import { tf } from './backend.js';
import type { Batch } from './data.js';
import type { EngineContext, GradientEngine } from './engine.js';
import { addMeanGradients } from './gradients.js';
import { heapView } from './kernels/heap-kernels.js';
import { WorkerError } from '../util/errors.js';

export interface WorkerInit {
  modelJson: string;
  head: EngineContext['head'];
  inputShape: [number, number, number];
  numOutputs: number;
  varSizes: number[];
  weights: SharedArrayBuffer;
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  workerIndex: number;
  microBatch: number;
  classWeights?: Float32Array;
}

export interface StepRequest {
  type: 'step';
  start: number;
  count: number;
  weightsVersion: number;
  stepSeed: number;
}

export type WorkerReply = { type: 'ready' } | { type: 'done'; loss: number } | { type: 'error'; message: string };

class PoolWorker {
  readonly worker: Worker;
  #pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;

  constructor(init: WorkerInit) {
    this.worker = new Worker(new URL('./grad.worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.#pending;
      this.#pending = undefined;
      if (m.type === 'error') p?.reject(new WorkerError(`gradient worker ${init.workerIndex} failed: ${m.message}`));
      else p?.resolve(m);
    });
    this.worker.on('error', (e) => {
      const p = this.#pending;
      this.#pending = undefined;
      p?.reject(new WorkerError(`gradient worker ${init.workerIndex} crashed`, { cause: e }));
    });
  }

  next(): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
  }
}

/** `numEngines` engines in all: this thread plus numEngines-1 gradient workers. */
export async function workerPoolEngine(ctx: EngineContext, numEngines: number, maxBatch = 512): Promise<GradientEngine> {
  const numWorkers = Math.max(1, numEngines - 1);
  const mainShare = numEngines >= 2;
  const varSizes = ctx.vars.map((v) => v.size);
  const numParams = varSizes.reduce((a, b) => a + b, 0);
  const [h, w, c] = ctx.inputShape;
  const perImage = h * w * c;
  const weightsSab = new SharedArrayBuffer(numParams * 4);
  const weights = new Float32Array(weightsSab);
  const imagesSab = new SharedArrayBuffer(maxBatch * perImage * 4);
  const labelsSab = new SharedArrayBuffer(maxBatch * 4);
  const targetsSab = new SharedArrayBuffer(ctx.head === 'sigmoid' ? maxBatch * ctx.numOutputs * 4 : 4);
  const gradsSab = new SharedArrayBuffer(numWorkers * numParams * 4);
  const grads = new Float32Array(gradsSab);
  const modelJson = JSON.stringify(ctx.model.toJSON(null, false));
  const pool: PoolWorker[] = [];
  for (let k = 0; k < numWorkers; k++) {
    pool.push(new PoolWorker({ modelJson, head: ctx.head, inputShape: ctx.inputShape, numOutputs: ctx.numOutputs, varSizes, weights: weightsSab, images: imagesSab, labels: labelsSab, targets: targetsSab, grads: gradsSab, workerIndex: k, microBatch: ctx.microBatch, ...(ctx.classWeights ? { classWeights: ctx.classWeights } : {}) }));
  }
  try {
    await Promise.all(pool.map((p) => p.next()));
  } catch (e) {
    await Promise.all(pool.map((p) => p.worker.terminate()));
    throw e;
  }
  let version = 0;
  let published = -1;
  const publishWeights = async () => {
    let offset = 0;
    for (const v of ctx.vars) {
      // Straight from the wasm heap where the weights live there (one copy instead of two).
      weights.set(heapView(v) ?? ((await v.data()) as Float32Array), offset);
      offset += v.size;
    }
    published = version;
  };
  const mean = new Float32Array(numParams);

  return {
    async compute(batch: Batch, stepSeed: number) {
      if (batch.size > maxBatch) throw new WorkerError(`batch of ${batch.size} exceeds the pool's ${maxBatch}`);
      if (published !== version) await publishWeights();
      new Float32Array(imagesSab).set(batch.images);
      if (batch.labels !== undefined) new Int32Array(labelsSab).set(batch.labels);
      if (batch.targets !== undefined) new Float32Array(targetsSab).set(batch.targets);
      const slices = Math.min(numWorkers + (mainShare ? 1 : 0), batch.size);
      const counts: number[] = [];
      for (let k = 0; k < slices; k++) counts.push(Math.floor(batch.size / slices) + (k < batch.size % slices ? 1 : 0));
      const replies: Promise<WorkerReply>[] = [];
      let start = mainShare ? (counts[0] as number) : 0;
      for (let k = mainShare ? 1 : 0, w = 0; k < slices; k++, w++) {
        const p = pool[w] as PoolWorker;
        replies.push(p.next());
        const req: StepRequest = { type: 'step', start, count: counts[k] as number, weightsVersion: version, stepSeed: (stepSeed + k) >>> 0 };
        p.worker.postMessage(req);
        start += counts[k] as number;
      }
      let loss = 0;
      mean.fill(0);
      if (mainShare) {
        // Slice 0 here, while the workers run theirs.
        const n0 = counts[0] as number;
        const own: Batch = { images: batch.images.subarray(0, n0 * perImage), size: n0 };
        if (batch.labels !== undefined) own.labels = batch.labels.subarray(0, n0);
        if (batch.targets !== undefined) own.targets = batch.targets.subarray(0, n0 * ctx.numOutputs);
        loss += await addMeanGradients(ctx.model, ctx.vars, ctx.head, own, ctx.inputShape, ctx.numOutputs, stepSeed >>> 0, ctx.microBatch, mean, n0 / batch.size, ctx.classWeights);
      }
      const done = await Promise.all(replies);
      for (let k = mainShare ? 1 : 0, w = 0; k < slices; k++, w++) {
        const wk = (counts[k] as number) / batch.size;
        loss += wk * (done[w] as { loss: number }).loss;
        const base = w * numParams;
        for (let j = 0; j < numParams; j++) mean[j] = (mean[j] as number) + wk * (grads[base + j] as number);
      }
      let offset = 0;
      const out = ctx.vars.map((v) => {
        const t = tf.tensor(mean.subarray(offset, offset + v.size), v.shape);
        offset += v.size;
        return t;
      });
      return { loss, grads: out };
    },
    weightsChanged() {
      version++;
    },
    async dispose() {
      await Promise.all(pool.map((p) => p.worker.terminate()));
    },
  };
}
