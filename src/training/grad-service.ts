/**
 * The gradient worker's setup (its entry file, grad.worker.ts, only serves it): its own backend
 * engine and a copy of the network, fed through the SharedArrayBuffers of parallel.ts. Each
 * request computes the slice-mean gradients of one slice of the shared batch into the worker's
 * own region of the shared gradient buffer, reloading the shared weights when they changed.
 */
import { tf, useDevice } from './backend.js';
import { addMeanGradients } from './gradients.js';
import { trainableVariables, writeArrays } from './sgd.js';
import type { Batch } from './data.js';
import type { Head } from './losses.js';
import type { WorkerContext } from '../util/workers.js';

export interface GradWorkerData {
  /** The network's topology (tfjs layers JSON); weights come from `weights`. */
  modelJson: string;
  head: Head;
  inputShape: [number, number, number];
  numOutputs: number;
  varSizes: number[];
  /** [numParams] float32: the current weights, every variable flat in order. */
  weights: SharedArrayBuffer;
  /** One batch: [maxBatch × H × W × C] float32 images, [maxBatch] int32 labels, [maxBatch × numOutputs] float32 targets. */
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  /** [workers × numParams] float32: each worker's slice-mean gradients. */
  grads: SharedArrayBuffer;
  microBatch: number;
  classWeights?: Float32Array;
}

export interface StepRequest {
  /** The slice: images [start, start + count) of the shared batch. */
  start: number;
  count: number;
  /** Bumped by the optimiser's every step: a worker reloads the weights when it differs. */
  weightsVersion: number;
  stepSeed: number;
}

export interface StepReply {
  /** The slice's mean loss. */
  loss: number;
}

export async function setupGradients(init: GradWorkerData, ctx: WorkerContext): Promise<(req: StepRequest) => Promise<StepReply>> {
  await useDevice('cpu');
  const model = await tf.models.modelFromJSON(JSON.parse(init.modelJson) as tf.io.ModelJSON['modelTopology'] as never);
  const { vars } = trainableVariables(model);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const numParams = init.varSizes.reduce((a, b) => a + b, 0);
  const [h, w, c] = init.inputShape;
  const perImage = h * w * c;
  const maxBatch = init.images.byteLength / (perImage * 4);
  let loadedVersion = -1;
  return async (req) => {
    if (!(Number.isInteger(req.start) && Number.isInteger(req.count) && req.start >= 0 && req.count >= 1 && req.start + req.count <= maxBatch)) {
      throw new Error(`slice [${req.start}, ${req.start} + ${req.count}) is outside the shared batch of ${maxBatch} images`);
    }
    if (req.weightsVersion !== loadedVersion) {
      let offset = 0;
      // wasm copies tensor data into its heap, so views of the shared weights suffice there;
      // other backends may keep the array they are given, so they get copies.
      const copies = tf.getBackend() !== 'wasm';
      writeArrays(vars, vars.map((v) => {
        const a = copies ? weights.slice(offset, offset + v.size) : weights.subarray(offset, offset + v.size);
        offset += v.size;
        return a;
      }));
      loadedVersion = req.weightsVersion;
    }
    const batch: Batch = { images: new Float32Array(init.images, req.start * perImage * 4, req.count * perImage), size: req.count };
    if (init.head === 'softmax') batch.labels = new Int32Array(init.labels, req.start * 4, req.count);
    else batch.targets = new Float32Array(init.targets, req.start * init.numOutputs * 4, req.count * init.numOutputs);
    const mine = grads.subarray(ctx.index * numParams, (ctx.index + 1) * numParams);
    mine.fill(0);
    const loss = await addMeanGradients(model, vars, init.head, batch, [h, w, c], init.numOutputs, req.stepSeed, init.microBatch, mine, 1, init.classWeights);
    return { loss };
  };
}
