/**
 * What ImageClassifier and ImageRegressor share: the life cycle of every pacsmine model
 * (docs/architecture.md, "The shape of a model") around one tfjs network.
 *
 *   const model = new ImageClassifier({ classNames, inputShape: [56, 56, 1] }); // validates only
 *   await model.train(images, { validation, signal, onProgress, checkpoint });
 *   await model.infer(moreImages);             // top-k classes (ImageRegressor: output vectors)
 *   await model.save(dir);                     // dir/model.pacsmine
 *   const again = await ImageClassifier.load(dir);
 *   model.dispose();
 *
 * The network is built by `train`: from scratch (`architecture`), or fine-tuned `from` a saved
 * model, a model in memory or a tfjs layers model (the user's Keras weights), whose last layer is
 * replaced by a new head learning at 10x the base rate on its weights and 20x on its bias (the
 * paper's Section 4). Outputs are computed by the network exported to ONNX on onnxruntime-node,
 * as labelling hundreds of thousands of images needs.
 */
import os from 'node:os';
import { ensureBackend, tf, type Device } from './backend.js';
import { ARCHITECTURES, type Architecture } from './architectures.js';
import { buildModel } from './models.js';
import { BatchAssembler, type ImageDataset } from './data.js';
import type { ImageFit } from './manifest.js';
import type { Head } from './losses.js';
import { trainModel, type EpochRecord, type TrainOptions, type TrainReport } from './trainer.js';
import { loadLayersModel, NEW_LAYER_LR, replaceHead } from './model-io.js';
import { exportOnnx } from './onnx-export.js';
import { OnnxPredictor } from './inference.js';
import { readImageModel, writeImageModel, imageModelFile, IMAGE_MODEL_FILE, type ImageModelContents, type ImageModelDescription, type ImageModelKind } from './image-model-file.js';
import { FormatError, OptionsError } from '../util/errors.js';
import { resolveWorkers } from '../util/workers.js';
import type { RunControl } from '../util/progress.js';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface ImageModelOptions {
  /** The network built from scratch (models.ts). Default 'conv4'. Not with `from`. */
  architecture?: Architecture;
  /**
   * Fine-tune from this network instead: a folder or file saved by an image model, a trained model
   * in memory (copied, never changed), or a tfjs layers model.json or its folder. Its last layer is
   * replaced by a new head for this model's outputs.
   */
  from?: string | ImageModel;
  /** [height, width, channels] of the network input (the crop); channels 1 or 3. Required from scratch; from `from` otherwise. */
  inputShape?: readonly [number, number, number];
  /** How the caller fitted images to their stored size, saved for whoever applies the model: 'pad' (default) or 'stretch'. */
  fit?: ImageFit;
  /** Passes over the training images per `train` call. Default 10. */
  epochs?: number;
  /** Images per step. Default 50 (the paper's). */
  batchSize?: number;
  /** Base learning rate. Default 0.001 (the paper's fine-tuning rate). */
  learningRate?: number;
  /** Default 0.9. */
  momentum?: number;
  /** L2 weight decay on kernels. Default 5e-4. */
  weightDecay?: number;
  /** Learning-rate multipliers by layer ('head') or variable ('head/bias'). Default: { head: 10, 'head/bias': 20 } with `from`, none otherwise. */
  lrMultipliers?: Readonly<Record<string, number>>;
  /** Random horizontal flips in training. Default true. */
  flip?: boolean;
  /** Stop after this many epochs without a better validation loss, and keep the best weights. */
  patience?: number;
  /** Images per forward/backward pass (micro-batch.ts). Default: as many as fit. */
  microBatch?: number;
  /** Seeds the initial weights, the image order, crops, flips and dropout. Default 1. */
  seed?: number;
  /**
   * Gradient worker threads (util/workers.ts resolveWorkers): 0 = this thread only; N = N workers,
   * each batch cut into N + 1 slices (this thread takes one); not given = one slice per core on
   * the wasm backend, 0 on tfjs-node and GPU backends, which use every core or the GPU themselves.
   * Results are reproducible for (seed, workers).
   */
  workers?: number;
  /** Backend: 'cpu', 'gpu' or 'auto' (backend.ts). Default: the one already started, else cpu. */
  device?: Device;
  /** Facts saved with the model (a level, a dataset digest …), JSON-able. */
  facts?: Readonly<Record<string, unknown>>;
}

export interface ImageTrainControl extends RunControl {
  /** Images to compute the validation loss on after every epoch (and to stop early on, with `patience`). */
  validation?: ImageDataset;
  /**
   * A checkpoint file, written after every epoch (and every `everySteps` steps). When it holds a
   * checkpoint of this very run (options, data, starting weights, workers), training resumes
   * there and ends with the weights of an uninterrupted run. Delete it once the model is saved.
   */
  checkpoint?: { file: string; everySteps?: number };
  onEpoch?: (r: EpochRecord) => void;
}

export interface ImageTrainReport extends TrainReport {
  /** The backend that trained, in words. */
  backend: string;
  /** Gradient worker threads (0 = this thread only). */
  workers: number;
  numTrain: number;
  numValidation: number;
}

export interface OutputOptions {
  /** Images per ONNX call. Default 64. */
  batchSize?: number;
  /** onnxruntime intra-op threads. Default: every core. */
  threads?: number;
}

export interface RuntimeOptions {
  device?: Device;
  workers?: number;
}

const FITS: readonly ImageFit[] = ['pad', 'stretch'];

function check(ok: boolean, message: string): void {
  if (!ok) throw new OptionsError(message);
}

/** Checks every option (OptionsError naming the bad one). */
export function checkImageModelOptions(o: ImageModelOptions): void {
  const positiveInt = (name: keyof ImageModelOptions) => {
    const v = o[name];
    check(v === undefined || (Number.isInteger(v) && (v as number) >= 1), `option \`${name}\` must be an integer ≥ 1, got ${String(v)}`);
  };
  positiveInt('epochs');
  positiveInt('batchSize');
  positiveInt('patience');
  positiveInt('microBatch');
  check(o.learningRate === undefined || (Number.isFinite(o.learningRate) && o.learningRate > 0), `option \`learningRate\` must be a number > 0, got ${String(o.learningRate)}`);
  check(o.momentum === undefined || (o.momentum >= 0 && o.momentum < 1), `option \`momentum\` must be in [0, 1), got ${String(o.momentum)}`);
  check(o.weightDecay === undefined || (Number.isFinite(o.weightDecay) && o.weightDecay >= 0), `option \`weightDecay\` must be a number ≥ 0, got ${String(o.weightDecay)}`);
  check(o.seed === undefined || Number.isInteger(o.seed), `option \`seed\` must be an integer, got ${String(o.seed)}`);
  check(o.fit === undefined || FITS.includes(o.fit), `option \`fit\` must be pad or stretch, got ${String(o.fit)}`);
  check(o.device === undefined || ['cpu', 'gpu', 'auto'].includes(o.device), `option \`device\` must be cpu, gpu or auto, got ${String(o.device)}`);
  check(o.architecture === undefined || ARCHITECTURES.includes(o.architecture), `option \`architecture\` must be one of ${ARCHITECTURES.join(', ')}, got ${String(o.architecture)}`);
  check(o.architecture === undefined || o.from === undefined, 'give option `architecture` (from scratch) or option `from` (fine-tuning), not both');
  check(o.from === undefined || o.from instanceof ImageModel || (typeof o.from === 'string' && o.from !== ''), 'option `from` must be a model folder or file, or an image model');
  if (o.inputShape !== undefined) {
    const s = o.inputShape;
    check(Array.isArray(s) && s.length === 3 && s.every((n) => Number.isInteger(n) && n >= 1) && (s[2] === 1 || s[2] === 3), `option \`inputShape\` must be [height, width, 1 or 3], got ${JSON.stringify(s)}`);
  } else check(o.from !== undefined, 'option `inputShape` is required for a network trained from scratch (give it, or option `from`)');
  if (o.lrMultipliers !== undefined) {
    for (const [k, v] of Object.entries(o.lrMultipliers)) check(Number.isFinite(v) && v >= 0, `option \`lrMultipliers\`: '${k}' must be a number ≥ 0, got ${String(v)}`);
  }
  if (o.workers !== undefined) resolveWorkers(o.workers); // the one meaning of `workers`, and its error
  check(o.facts === undefined || (o.facts !== null && typeof o.facts === 'object'), 'option `facts` must be an object');
}

/** The options that describe the model, as saved (not how or where it runs, nor a model in memory). */
function savedOptions(o: ImageModelOptions): Record<string, unknown> {
  const { from, workers: _w, device: _d, facts: _f, ...rest } = o;
  return { ...rest, ...(from === undefined ? {} : { from: typeof from === 'string' ? from : 'memory' }) };
}

export abstract class ImageModel {
  readonly options: Readonly<ImageModelOptions>;
  /** The stage named in progress, cancellation and worker errors. */
  abstract readonly stage: string;
  protected abstract readonly kind: ImageModelKind;
  protected abstract readonly head: Head;
  #network: tf.LayersModel | undefined;
  #description: ImageModelDescription | undefined;
  #predictor: { threads: number | undefined; predictor: Promise<OnnxPredictor> } | undefined;
  #disposed = false;

  protected constructor(options: ImageModelOptions) {
    checkImageModelOptions(options);
    this.options = Object.freeze({ ...options });
  }

  /** Outputs of the network: classes or target dimensions. */
  protected abstract get numOutputs(): number;
  /** Class names in output order ([] for a regressor). */
  protected abstract get classNames(): string[];
  /** The head's own training options (class weights, sampling). */
  protected abstract headTrainOptions(): Partial<TrainOptions>;
  /** Checks that `images` carry what this head trains on. */
  protected abstract checkTrainingData(images: ImageDataset, what: string): void;

  /** True once `train` or `load` has given the model a network. */
  get isTrained(): boolean {
    return this.#network !== undefined;
  }

  /** What the trained network is for: head, classes, input shape, image size and fit. */
  get description(): ImageModelDescription {
    this.#trained();
    return this.#description!;
  }

  /**
   * Trains `epochs` epochs on `images` (stored at one size; random crops of the input shape and
   * flips). The first call builds the network; later calls go on training it. Cancellable with
   * `signal` (CancelledError); reports one Progress value per step.
   */
  async train(images: ImageDataset, control: ImageTrainControl = {}): Promise<ImageTrainReport> {
    this.#alive();
    this.checkTrainingData(images, 'training images');
    if (control.validation !== undefined) this.checkTrainingData(control.validation, 'validation images');
    const o = this.options;
    const choice = await ensureBackend(o.device);
    const batchSize = o.batchSize ?? 50;
    const workers = o.workers !== undefined ? resolveWorkers(o.workers, { items: batchSize })
      : choice.backend === 'wasm' ? resolveWorkers(undefined, { items: batchSize, max: Math.max(1, os.availableParallelism() - 1) }) : 0;
    let network = this.#network;
    let description = this.#description;
    if (network === undefined) {
      ({ network, description } = await this.#build(images));
    }
    const inputShape = description!.inputShape;
    const options: TrainOptions = {
      head: this.head, epochs: o.epochs ?? 10, batchSize, learningRate: o.learningRate ?? 0.001, seed: o.seed ?? 1, workers, stage: this.stage,
      ...this.headTrainOptions(),
    };
    if (o.momentum !== undefined) options.momentum = o.momentum;
    if (o.weightDecay !== undefined) options.weightDecay = o.weightDecay;
    if (o.flip !== undefined) options.flip = o.flip;
    if (o.patience !== undefined) options.patience = o.patience;
    if (o.microBatch !== undefined) options.microBatch = o.microBatch;
    const mults = o.lrMultipliers ?? (o.from !== undefined ? NEW_LAYER_LR : undefined);
    if (mults !== undefined) options.lrMultipliers = { ...mults };
    if (inputShape[0] !== images.imageShape[0] || inputShape[1] !== images.imageShape[1]) options.crop = [inputShape[0], inputShape[1]];
    if (control.validation !== undefined) options.validation = control.validation;
    if (control.checkpoint !== undefined) options.checkpoint = control.checkpoint;
    if (control.signal !== undefined) options.signal = control.signal;
    if (control.onProgress !== undefined) options.onProgress = control.onProgress;
    if (control.onEpoch !== undefined) options.onEpoch = control.onEpoch;
    try {
      const report = await trainModel(network, images, options);
      return { ...report, backend: choice.description, workers, numTrain: images.numImages, numValidation: control.validation?.numImages ?? 0 };
    } finally {
      // Even a cancelled run changed the weights: keep the network, drop any exported graph.
      if (this.#network === undefined) {
        this.#network = network;
        this.#description = description;
      }
      this.#dropPredictor();
    }
  }

  async #build(images: ImageDataset): Promise<{ network: tf.LayersModel; description: ImageModelDescription }> {
    const o = this.options;
    const seed = o.seed ?? 1;
    const common = { head: this.head, classNames: this.classNames, numOutputs: this.numOutputs, imageSize: images.imageShape[0], facts: { ...o.facts } };
    if (o.from === undefined) {
      const network = buildModel({ architecture: o.architecture ?? 'conv4', inputShape: [...o.inputShape!], numOutputs: this.numOutputs, seed });
      return { network, description: { ...common, inputShape: [...o.inputShape!], fit: o.fit ?? 'pad', network: network.name, from: null } };
    }
    const parent = await parentNetwork(o.from);
    const network = replaceHead(parent.network, { numOutputs: this.numOutputs, seed });
    const shape = network.inputs[0]!.shape;
    const inputShape: [number, number, number] = [shape[1] as number, shape[2] as number, shape[3] as number];
    if (o.inputShape !== undefined && o.inputShape.some((n, i) => n !== inputShape[i])) {
      throw new OptionsError(`option \`inputShape\` [${o.inputShape.join(', ')}] differs from the input of the network in option \`from\` [${inputShape.join(', ')}]`);
    }
    return { network, description: { ...common, inputShape, fit: o.fit ?? parent.fit ?? 'pad', network: network.name, from: typeof o.from === 'string' ? o.from : 'memory' } };
  }

  /** The network's raw outputs (logits) for every image, [numImages × numOutputs] row-major; images centre-cropped as in validation. */
  async outputs(images: ImageDataset, opts: OutputOptions = {}): Promise<Float32Array> {
    const network = this.#trained();
    const d = this.#description!;
    const [h, w, c] = d.inputShape;
    const batchSize = opts.batchSize ?? 64;
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new OptionsError(`option \`batchSize\` must be an integer ≥ 1, got ${batchSize}`);
    const out = new Float32Array(images.numImages * d.numOutputs);
    if (images.numImages === 0) return out;
    if (this.#predictor?.threads !== opts.threads) this.#dropPredictor();
    this.#predictor ??= { threads: opts.threads, predictor: exportOnnx(network).then((bytes) => OnnxPredictor.fromBytes(bytes, d.inputShape, d.numOutputs, { threads: opts.threads ?? os.availableParallelism() })) };
    const predictor = await this.#predictor.predictor;
    const assembler = new BatchAssembler(images, [h, w], batchSize, c);
    const idx = new Int32Array(batchSize);
    for (let start = 0; start < images.numImages; start += batchSize) {
      const n = Math.min(batchSize, images.numImages - start);
      for (let b = 0; b < n; b++) idx[b] = start + b;
      const batch = assembler.assemble(idx.subarray(0, n), undefined, false);
      out.set((await predictor.predict(batch.images, n)).subarray(0, n * d.numOutputs), start * d.numOutputs);
    }
    return out;
  }

  /** The network as ONNX bytes (NHWC float input 'input', logits 'logits'), for onnxruntime and other tools. */
  async exportOnnx(): Promise<Uint8Array> {
    return exportOnnx(this.#trained());
  }

  /** Saves the model in folder `dir` (created when missing) as `model.pacsmine`; returns the file's path. */
  async save(dir: string): Promise<string> {
    const network = this.#trained();
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, IMAGE_MODEL_FILE);
    const weights = await Promise.all(network.weights.map(async (w) => ({ name: w.originalName, shape: [...w.shape] as number[], data: Float32Array.from((await w.read().data()) as Float32Array) })));
    writeImageModel(file, { kind: this.kind, description: this.#description!, topology: network.toJSON(null, false), weights, options: savedOptions(this.options) });
    return file;
  }

  /** For the subclasses' `load`: the saved options, merged with how this process runs it. */
  protected static savedOptions(contents: ImageModelContents, runtime: RuntimeOptions): ImageModelOptions & Record<string, unknown> {
    const o: ImageModelOptions & Record<string, unknown> = { ...contents.options, inputShape: contents.description.inputShape, fit: contents.description.fit, facts: contents.description.facts };
    delete o.from; // where it came from is in the description; the loaded network is the start now
    delete o.architecture;
    if (runtime.device !== undefined) o.device = runtime.device;
    if (runtime.workers !== undefined) o.workers = runtime.workers;
    return o;
  }

  /** For the subclasses' `load`: gives a fresh model the saved network. */
  protected async restore(contents: ImageModelContents, file: string): Promise<void> {
    await ensureBackend(this.options.device);
    this.#network = await rebuild(contents, file);
    this.#description = contents.description;
  }

  /** Frees the network's tensors and the inference session; any later call is an OptionsError. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#network?.dispose();
    this.#network = undefined;
    this.#dropPredictor();
  }

  #dropPredictor(): void {
    const p = this.#predictor;
    this.#predictor = undefined;
    void p?.predictor.then((x) => x.dispose(), () => undefined);
  }

  #alive(): void {
    if (this.#disposed) throw new OptionsError(`this ${this.constructor.name} was disposed`);
  }

  #trained(): tf.LayersModel {
    this.#alive();
    if (this.#network === undefined) throw new OptionsError(`this ${this.constructor.name} is not trained yet: call train() or ${this.constructor.name}.load()`);
    return this.#network;
  }

  /** The trained network's topology and weights, for a fine-tuned copy (never shared: training the copy leaves this one as it is). */
  async snapshot(): Promise<ImageModelContents> {
    const network = this.#trained();
    const weights = await Promise.all(network.weights.map(async (w) => ({ name: w.originalName, shape: [...w.shape] as number[], data: Float32Array.from((await w.read().data()) as Float32Array) })));
    return { kind: this.kind, description: this.#description!, topology: network.toJSON(null, false), weights, options: savedOptions(this.options) };
  }
}

/** Builds a network from a saved topology and sets its weights, checking each against the file. */
async function rebuild(contents: ImageModelContents, file: string): Promise<tf.LayersModel> {
  let network: tf.LayersModel;
  try {
    network = await tf.models.modelFromJSON(contents.topology as never);
  } catch (cause) {
    throw new FormatError(`${file}: its network topology cannot be built: ${(cause as Error).message}`, { cause });
  }
  const weights = network.weights;
  if (weights.length !== contents.weights.length) {
    network.dispose();
    throw new FormatError(`${file} is damaged: the network has ${weights.length} weights, the file ${contents.weights.length}`);
  }
  weights.forEach((w, i) => {
    const saved = contents.weights[i]!;
    if (w.shape.length !== saved.shape.length || w.shape.some((n, j) => n !== saved.shape[j])) {
      network.dispose();
      throw new FormatError(`${file} is damaged: weight ${i} (${saved.name}) has shape [${saved.shape.join(', ')}], the network needs [${w.shape.join(', ')}]`);
    }
  });
  const tensors = contents.weights.map((w) => tf.tensor(w.data, w.shape));
  network.setWeights(tensors);
  for (const t of tensors) t.dispose();
  return network;
}

/** The network to fine-tune from, as a fresh copy, with the fit its images had when known. */
async function parentNetwork(from: string | ImageModel): Promise<{ network: tf.LayersModel; fit?: ImageFit }> {
  if (from instanceof ImageModel) {
    const contents = await from.snapshot();
    return { network: await rebuild(contents, 'the model in option `from`'), fit: contents.description.fit };
  }
  const file = imageModelFile(from);
  if (from.endsWith('.pacsmine') || existsSync(path.join(from, IMAGE_MODEL_FILE))) {
    const contents = readImageModel(file);
    return { network: await rebuild(contents, file), fit: contents.description.fit };
  }
  return { network: await loadLayersModel(from) };
}
