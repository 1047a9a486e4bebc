/**
 * The training loop: SGD with momentum and weight decay (sgd.ts), per-layer learning-rate
 * multipliers, either head, validation each epoch, early stopping, checkpoints and resume.
 *
 * Reproducibility: the epoch's shuffle and each step's crops, flips and dropout seeds are
 * derived from (seed, epoch, step), never from a running generator, so a run resumed from
 * any checkpoint takes exactly the steps the uninterrupted run would have taken.
 */
import { tf } from './backend.js';
import { BatchAssembler, validateDataset, type ImageDataset } from './data.js';
import { headLoss, type Head } from './losses.js';
import { SgdMomentum, readArrays, trainableVariables, writeArrays } from './sgd.js';
import { createHash } from 'node:crypto';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { inProcessEngine, type EngineContext, type GradientEngine } from './engine.js';
import { autoMicroBatch } from './micro-batch.js';
import { OptionsError } from '../util/errors.js';
import { Rng, mixSeed } from '../util/rng.js';
import { throwIfCancelled, type Progress } from '../util/progress.js';

export interface TrainOptions {
  head: Head;
  epochs: number;
  /** Images per step. Default 50 (the paper's). */
  batchSize?: number;
  /** Base learning rate. Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  /** L2 weight decay on kernels. Default 5e-4. */
  weightDecay?: number;
  /**
   * Learning-rate multiplier by layer name (e.g. { head: 10 } when fine-tuning), or by
   * 'layer/kernel' and 'layer/bias' for one kind of a layer's variables (the paper's new layers:
   * { head: 10, 'head/bias': 20 }). Default 1.
   */
  lrMultipliers?: Record<string, number>;
  /**
   * Softmax head: loss weight per class id (src/datasets/balance.ts: mean 1 over the training
   * images). Validation loss stays unweighted.
   */
  classWeights?: readonly number[];
  /**
   * Softmax head: instead, each epoch draws its images with replacement, an image of class c with
   * probability ∝ sampleWeights[c] (as many draws as images), seeded by (seed, epoch).
   */
  sampleWeights?: readonly number[];
  /** Training crop [h, w] (random position); evaluation uses the centre crop. Default: no crop. */
  crop?: [number, number];
  /** Random horizontal flips in training. Default true. */
  flip?: boolean;
  seed?: number;
  /**
   * Gradient worker threads (CPU data parallelism, parallel.ts): each batch is cut into
   * workers + 1 slices, one for this thread and one per worker. 0 = this thread only.
   * Results are reproducible for (seed, workers).
   */
  workers?: number;
  /**
   * Images per forward/backward pass within an engine's share of a batch; the step still
   * averages the whole batch. Default: as many as fit the engine (micro-batch.ts; on wasm,
   * a 4 GB heap), else the whole share.
   */
  microBatch?: number;
  validation?: ImageDataset;
  /** Stop after this many epochs without a better validation loss, and restore the best weights. */
  patience?: number;
  /**
   * A checkpoint file (checkpoint.ts), written after every epoch (and every `everySteps` steps);
   * when it holds a checkpoint of this very run, training resumes from it.
   */
  checkpoint?: { file: string; everySteps?: number };
  /** The stage named in progress values, cancellation and worker errors. Default 'train'. */
  stage?: string;
  signal?: AbortSignal;
  /** One value per step: { stage, done: steps, total: epochs × steps per epoch, unit: 'steps' }. */
  onProgress?: (p: Progress) => void;
  onStep?: (p: { epoch: number; step: number; loss: number }) => void;
  onEpoch?: (r: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss?: number;
  valAccuracy?: number;
  imagesPerSecond: number;
}

export interface TrainReport {
  epochs: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  resumedFrom?: { epoch: number; step: number };
  steps: number;
}

/** Position in the run; saved in checkpoints. */
interface RunState {
  epoch: number;
  step: number;
  lossSum: number;
  seen: number;
  history: EpochRecord[];
  bestValLoss: number | null;
  bestEpoch: number;
  badEpochs: number;
  stoppedEarly: boolean;
}

export function stepSeed(seed: number, epoch: number, step: number): number {
  return mixSeed(seed ^ mixSeed(epoch * 65_537 + mixSeed(step)));
}

/**
 * The epoch's images drawn with replacement, image i with probability ∝ weights[labels[i]],
 * seeded by (seed, epoch): class-balanced sampling that a resumed run repeats exactly.
 */
export function sampledEpochOrder(labels: Int32Array, weights: readonly number[], seed: number, epoch: number): Int32Array {
  const n = labels.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += Math.max(0, weights[labels[i] as number] ?? 0);
  if (!(total > 0)) throw new OptionsError('sampleWeights give every training image weight 0');
  const rng = new Rng(stepSeed(seed, epoch, -2));
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    order[k] = lo;
  }
  return order;
}

/** The epoch's image order: a shuffle seeded by (seed, epoch). */
export function epochOrder(numImages: number, seed: number, epoch: number): Int32Array {
  const order = Int32Array.from({ length: numImages }, (_, i) => i);
  const rng = new Rng(stepSeed(seed, epoch, -1));
  for (let i = numImages - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

export function modelShapes(model: tf.LayersModel): { inputShape: [number, number, number]; numOutputs: number } {
  const inShape = model.inputs[0]!.shape;
  const outShape = model.outputs[0]!.shape;
  return { inputShape: [inShape[1] as number, inShape[2] as number, inShape[3] as number], numOutputs: outShape[outShape.length - 1] as number };
}

/** Validation loss (and accuracy for the softmax head) on centre crops, in eval mode. */
export async function evaluate(model: tf.LayersModel, data: ImageDataset, head: Head, batchSize = 50): Promise<{ loss: number; accuracy?: number }> {
  const { inputShape, numOutputs } = modelShapes(model);
  const assembler = new BatchAssembler(data, [inputShape[0], inputShape[1]], batchSize, inputShape[2]);
  let lossSum = 0;
  let correct = 0;
  const idx = new Int32Array(batchSize);
  for (let start = 0; start < data.numImages; start += batchSize) {
    const n = Math.min(batchSize, data.numImages - start);
    for (let b = 0; b < n; b++) idx[b] = start + b;
    const batch = assembler.assemble(idx.subarray(0, n), undefined, false);
    const [loss, hits] = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(batch.images, [n, ...inputShape]), { training: false }) as tf.Tensor2D;
      const l = headLoss(head, logits, batch, numOutputs);
      const h = head === 'softmax' ? tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(batch.labels!, 'int32')), 'int32')) : tf.scalar(0);
      return [l, h];
    });
    lossSum += ((await loss.data())[0] as number) * n;
    correct += (await hits.data())[0] as number;
    loss.dispose();
    hits.dispose();
  }
  const out: { loss: number; accuracy?: number } = { loss: lossSum / data.numImages };
  if (head === 'softmax') out.accuracy = correct / data.numImages;
  return out;
}

function resolve(options: TrainOptions) {
  const o = {
    batchSize: options.batchSize ?? 50,
    learningRate: options.learningRate ?? 0.001,
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 5e-4,
    flip: options.flip ?? true,
    seed: options.seed ?? 1,
    workers: options.workers ?? 0,
  };
  if (!(options.epochs >= 1)) throw new OptionsError(`epochs must be ≥ 1, got ${options.epochs}`);
  if (!(o.batchSize >= 1)) throw new OptionsError(`batchSize must be ≥ 1, got ${o.batchSize}`);
  if (!(o.learningRate > 0)) throw new OptionsError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!(Number.isInteger(o.workers) && o.workers >= 0)) throw new OptionsError(`workers must be an integer ≥ 0, got ${o.workers}`);
  if (options.microBatch !== undefined && !(options.microBatch >= 1)) throw new OptionsError(`microBatch must be ≥ 1, got ${options.microBatch}`);
  return o;
}

/** Creates the gradient engine; parallel.ts is loaded only when workers are asked for. */
async function makeEngine(ctx: EngineContext, workers: number, batchSize: number, stage: string, signal: AbortSignal | undefined): Promise<GradientEngine> {
  if (workers === 0) return inProcessEngine(ctx);
  const { workerPoolEngine } = await import('./parallel.js');
  // The shared batch buffer holds one batch (AlexNet's 50 images are 31 MB; 512 were 316 MB).
  return workerPoolEngine(ctx, { workers, maxBatch: batchSize, stage, ...(signal !== undefined ? { signal } : {}) });
}

/**
 * What a checkpoint must match to be resumed: the options that decide the steps, the data's
 * size and labels or targets, the starting weights and the thread count (pixels are not hashed:
 * a set of 200K images would take longer to hash than a step).
 */
function runFingerprint(options: TrainOptions, resolved: ReturnType<typeof resolve>, data: ImageDataset, start: readonly Float32Array[]): string {
  const h = createHash('sha256');
  const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  h.update(JSON.stringify({
    ...resolved, head: options.head, epochs: options.epochs, lrMultipliers: options.lrMultipliers ?? null, classWeights: options.classWeights ?? null,
    sampleWeights: options.sampleWeights ?? null, crop: options.crop ?? null, microBatch: options.microBatch ?? null, patience: options.patience ?? null,
    validation: options.validation?.numImages ?? null, numImages: data.numImages, imageShape: data.imageShape,
  }));
  if (data.labels !== undefined) h.update(bytes(data.labels));
  if (data.targets !== undefined) h.update(bytes(data.targets));
  for (const w of start) h.update(bytes(w));
  return h.digest('hex');
}

/** Trains `model` in place. */
export async function trainModel(model: tf.LayersModel, data: ImageDataset, options: TrainOptions): Promise<TrainReport> {
  const o = resolve(options);
  validateDataset(data, 'training set');
  if (options.validation !== undefined) validateDataset(options.validation, 'validation set');
  const { inputShape, numOutputs } = modelShapes(model);
  const crop = options.crop ?? [inputShape[0], inputShape[1]];
  if (crop[0] !== inputShape[0] || crop[1] !== inputShape[1]) throw new OptionsError(`crop ${crop.join('x')} differs from the model input ${inputShape[0]}x${inputShape[1]}`);
  const head = options.head;
  if (head === 'softmax' && data.labels === undefined) throw new OptionsError('the softmax head needs labels');
  if (head === 'sigmoid' && data.targetDim !== numOutputs) throw new OptionsError(`the sigmoid head needs ${numOutputs}-d targets, the data has ${data.targetDim ?? 'none'}`);

  const { vars, layerNames } = trainableVariables(model);
  // 'head/bias' before 'head': the paper gave new layers' biases twice their weights' rate (Caffe's lr_mult 2).
  const mults = layerNames.map((n, i) => options.lrMultipliers?.[`${n}/${vars[i]!.rank === 1 ? 'bias' : 'kernel'}`] ?? options.lrMultipliers?.[n] ?? 1);
  const sgd = new SgdMomentum(vars, mults, { learningRate: o.learningRate, momentum: o.momentum, weightDecay: o.weightDecay });
  let state: RunState = { epoch: 0, step: 0, lossSum: 0, seen: 0, history: [], bestValLoss: null, bestEpoch: -1, badEpochs: 0, stoppedEarly: false };
  let bestWeights: Float32Array[] | undefined;
  let resumedFrom: TrainReport['resumedFrom'];
  const ckpt = options.checkpoint?.file;
  const fingerprint = ckpt !== undefined ? runFingerprint(options, o, data, await readArrays(vars)) : '';
  const c = ckpt !== undefined ? readCheckpoint<RunState>(ckpt, fingerprint) : undefined;
  if (c !== undefined) {
    const group = (name: string) => c.groups.find((g) => g.name === name)?.arrays;
    const fits = (arrays: Float32Array[] | undefined) => arrays !== undefined && arrays.length === vars.length && arrays.every((w, i) => w.length === vars[i]!.size);
    const weights = group('weights');
    const velocities = group('velocities');
    if (!fits(weights) || !fits(velocities)) throw new OptionsError(`checkpoint ${ckpt} does not fit this network`);
    writeArrays(vars, weights!);
    sgd.setVelocities(velocities!);
    bestWeights = group('best');
    state = c.state;
    resumedFrom = { epoch: state.epoch, step: state.step };
  }
  const save = async () => {
    if (ckpt === undefined) return;
    const groups = [{ name: 'weights', arrays: await readArrays(vars) }, { name: 'velocities', arrays: await sgd.velocities() }];
    if (bestWeights !== undefined) groups.push({ name: 'best', arrays: bestWeights });
    writeCheckpoint(ckpt, { fingerprint, state, groups });
  };

  const microBatch = options.microBatch ?? autoMicroBatch(model, tf.getBackend());
  for (const [name, w] of [['classWeights', options.classWeights], ['sampleWeights', options.sampleWeights]] as const) {
    if (w === undefined) continue;
    if (head !== 'softmax') throw new OptionsError(`${name} need the softmax head`);
    if (w.length !== numOutputs || w.some((x) => !(x >= 0 && Number.isFinite(x)))) throw new OptionsError(`${name} must be ${numOutputs} numbers ≥ 0, one per class`);
  }
  const ctx: EngineContext = { model, vars, head, inputShape, numOutputs, microBatch };
  if (options.classWeights !== undefined) ctx.classWeights = Float32Array.from(options.classWeights);
  const stage = options.stage ?? 'train';
  const signal = options.signal;
  throwIfCancelled(signal, stage);
  const engine = await makeEngine(ctx, o.workers, o.batchSize, stage, signal);
  const assembler = new BatchAssembler(data, crop, o.batchSize, inputShape[2]);
  const stepsPerEpoch = Math.ceil(data.numImages / o.batchSize);
  const totalSteps = options.epochs * stepsPerEpoch;
  const everySteps = options.checkpoint?.everySteps;
  let steps = 0;
  try {
    while (state.epoch < options.epochs && !state.stoppedEarly) {
      const epoch = state.epoch;
      const order = options.sampleWeights !== undefined ? sampledEpochOrder(data.labels!, options.sampleWeights, o.seed, epoch) : epochOrder(data.numImages, o.seed, epoch);
      const started = performance.now();
      let imagesThisRun = 0;
      for (let step = state.step; step < stepsPerEpoch; step++) {
        throwIfCancelled(signal, stage);
        const rng = new Rng(stepSeed(o.seed, epoch, step));
        const batch = assembler.assemble(order.subarray(step * o.batchSize, Math.min(data.numImages, (step + 1) * o.batchSize)), rng, o.flip);
        const { loss, grads } = await engine.compute(batch, rng.nextUint32());
        sgd.apply(grads);
        for (const g of grads) g.dispose();
        engine.weightsChanged();
        state.lossSum += loss * batch.size;
        state.seen += batch.size;
        state.step = step + 1;
        imagesThisRun += batch.size;
        steps++;
        options.onStep?.({ epoch, step, loss });
        options.onProgress?.({ stage, done: epoch * stepsPerEpoch + step + 1, total: totalSteps, unit: 'steps', detail: `epoch ${epoch + 1}/${options.epochs}, loss ${loss.toFixed(4)}` });
        if (everySteps !== undefined && state.step % everySteps === 0 && state.step < stepsPerEpoch) await save();
      }
      const record: EpochRecord = { epoch, trainLoss: state.lossSum / Math.max(1, state.seen), imagesPerSecond: imagesThisRun / ((performance.now() - started) / 1000) };
      if (options.validation !== undefined) {
        const v = await evaluate(model, options.validation, head, Math.min(o.batchSize, microBatch));
        record.valLoss = v.loss;
        if (v.accuracy !== undefined) record.valAccuracy = v.accuracy;
        if (state.bestValLoss === null || v.loss < state.bestValLoss) {
          state.bestValLoss = v.loss;
          state.bestEpoch = epoch;
          state.badEpochs = 0;
          if (options.patience !== undefined) bestWeights = await readArrays(vars);
        } else {
          state.badEpochs++;
          if (options.patience !== undefined && state.badEpochs >= options.patience) state.stoppedEarly = true;
        }
      } else state.bestEpoch = epoch;
      state.history.push(record);
      state.epoch = epoch + 1;
      state.step = 0;
      state.lossSum = 0;
      state.seen = 0;
      if (state.stoppedEarly && bestWeights !== undefined) writeArrays(vars, bestWeights);
      await save();
      options.onEpoch?.(record);
    }
  } finally {
    await engine.dispose();
    sgd.dispose();
  }
  const report: TrainReport = { epochs: state.history, bestEpoch: state.bestEpoch, stoppedEarly: state.stoppedEarly, steps };
  if (resumedFrom !== undefined) report.resumedFrom = resumedFrom;
  return report;
}
