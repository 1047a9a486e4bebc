/**
 * Data-parallel gradients on CPU: the wasm backend runs one thread in Node, so each batch is cut
 * into contiguous slices, one for this thread (slice 0, on the master weights, so it needs no
 * copy) and one for each of `workers` gradient workers (grad-service.ts, each with its own wasm
 * engine) on the shared harness (util/workers.ts, stage 'train' or 'regress'). The batch and the
 * weights travel through SharedArrayBuffers; each worker writes its slice-mean gradients into its
 * own region, and this thread averages all slices weighted by their size, so the result is the
 * full-batch mean gradient up to float rounding, the same for a given number of slices.
 * A worker that crashes, exits or throws fails the step with a WorkerError naming the stage and
 * the worker; aborting the signal fails it with CancelledError; no thread outlives the engine.
 */
import { tf } from './backend.js';
import type { Batch } from './data.js';
import type { EngineContext, GradientEngine } from './engine.js';
import { addMeanGradients } from './gradients.js';
import { heapView } from './kernels/heap-kernels.js';
import { WorkerGroup } from '../util/workers.js';
import { WorkerError } from '../util/errors.js';
import type { GradWorkerData, StepReply, StepRequest } from './grad-service.js';

export interface WorkerPoolOptions {
  /** Gradient worker threads (≥ 1); the batch is cut into workers + 1 slices. */
  workers: number;
  /** The largest batch the shared buffers hold. */
  maxBatch: number;
  /** Named in worker errors: 'train', 'regress'. */
  stage: string;
  signal?: AbortSignal;
}

/** This thread plus `workers` gradient workers. */
export async function workerPoolEngine(ctx: EngineContext, options: WorkerPoolOptions): Promise<GradientEngine> {
  const { workers, maxBatch, stage } = options;
  const varSizes = ctx.vars.map((v) => v.size);
  const numParams = varSizes.reduce((a, b) => a + b, 0);
  const [h, w, c] = ctx.inputShape;
  const perImage = h * w * c;
  const weightsSab = new SharedArrayBuffer(numParams * 4);
  const weights = new Float32Array(weightsSab);
  const imagesSab = new SharedArrayBuffer(maxBatch * perImage * 4);
  const labelsSab = new SharedArrayBuffer(maxBatch * 4);
  const targetsSab = new SharedArrayBuffer(ctx.head === 'sigmoid' ? maxBatch * ctx.numOutputs * 4 : 4);
  const gradsSab = new SharedArrayBuffer(workers * numParams * 4);
  const grads = new Float32Array(gradsSab);
  const init: GradWorkerData = {
    modelJson: JSON.stringify(ctx.model.toJSON(null, false)), head: ctx.head, inputShape: ctx.inputShape, numOutputs: ctx.numOutputs, varSizes,
    weights: weightsSab, images: imagesSab, labels: labelsSab, targets: targetsSab, grads: gradsSab, microBatch: ctx.microBatch,
    ...(ctx.classWeights ? { classWeights: ctx.classWeights } : {}),
  };
  const group = await WorkerGroup.start<StepRequest, StepReply, GradWorkerData>({
    stage, entry: new URL('./grad.worker.js', import.meta.url), count: workers, workerData: () => init,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
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
      if (batch.size > maxBatch) throw new WorkerError(`${stage}: a batch of ${batch.size} exceeds the shared buffers' ${maxBatch}`, { stage });
      if (published !== version) await publishWeights();
      new Float32Array(imagesSab).set(batch.images);
      if (batch.labels !== undefined) new Int32Array(labelsSab).set(batch.labels);
      if (batch.targets !== undefined) new Float32Array(targetsSab).set(batch.targets);
      const slices = Math.min(workers + 1, batch.size);
      const counts: number[] = [];
      for (let k = 0; k < slices; k++) counts.push(Math.floor(batch.size / slices) + (k < batch.size % slices ? 1 : 0));
      const replies: Promise<StepReply>[] = [];
      let start = counts[0] as number;
      for (let k = 1; k < slices; k++) {
        replies.push(group.request(k - 1, { start, count: counts[k] as number, weightsVersion: version, stepSeed: (stepSeed + k) >>> 0 }));
        start += counts[k] as number;
      }
      const done = Promise.all(replies);
      done.catch(() => undefined); // a worker failure is handled below, after this thread's slice
      let loss = 0;
      mean.fill(0);
      // Slice 0 here, while the workers run theirs.
      const n0 = counts[0] as number;
      const own: Batch = { images: batch.images.subarray(0, n0 * perImage), size: n0 };
      if (batch.labels !== undefined) own.labels = batch.labels.subarray(0, n0);
      if (batch.targets !== undefined) own.targets = batch.targets.subarray(0, n0 * ctx.numOutputs);
      loss += await addMeanGradients(ctx.model, ctx.vars, ctx.head, own, ctx.inputShape, ctx.numOutputs, stepSeed >>> 0, ctx.microBatch, mean, n0 / batch.size, ctx.classWeights);
      const results = await done;
      for (let k = 1; k < slices; k++) {
        const wk = (counts[k] as number) / batch.size;
        loss += wk * (results[k - 1] as StepReply).loss;
        const base = (k - 1) * numParams;
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
      await group.close();
    },
  };
}
