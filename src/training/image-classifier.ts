/**
 * A CNN classifying images into named classes (the paper's topic classifiers, Section 4): the
 * softmax head over `classNames`, trained with the cross-entropy, optionally weighted by class or
 * with class-balanced sampling (src/datasets/balance.ts). The life cycle is image-model.ts's.
 */
import type { ImageDataset } from './data.js';
import type { TrainOptions } from './trainer.js';
import { ImageModel, type ImageModelOptions, type OutputOptions, type RuntimeOptions } from './image-model.js';
import { CLASSIFIER_KIND, imageModelFile, readImageModel } from './image-model-file.js';
import { softmaxRows, topK } from '../evaluation/metrics.js';
import { FormatError, OptionsError } from '../util/errors.js';

export interface ImageClassifierOptions extends ImageModelOptions {
  /** The classes, in output order (the labels of the training images index them). */
  classNames: readonly string[];
  /**
   * Class imbalance: 'weighted' multiplies each image's loss by its class's weight; 'sampling'
   * draws each epoch's images with replacement in proportion to it. Classes not named weigh 1.
   */
  balance?: { mode: 'weighted' | 'sampling' | 'none'; classWeights: Readonly<Record<string, number>> };
}

/** One of an image's most likely classes. */
export interface ClassGuess {
  label: string;
  probability: number;
}

export class ImageClassifier extends ImageModel {
  readonly stage = 'train';
  protected readonly kind = CLASSIFIER_KIND;
  protected readonly head = 'softmax' as const;
  declare readonly options: Readonly<ImageClassifierOptions>;

  /** Checks the options (OptionsError naming the bad one); trains nothing. */
  constructor(options: ImageClassifierOptions) {
    super(options);
    const names = options.classNames;
    if (!Array.isArray(names) || names.length < 1 || !names.every((n) => typeof n === 'string')) throw new OptionsError('option `classNames` must be a non-empty list of strings');
    if (new Set(names).size !== names.length) throw new OptionsError('option `classNames` names a class twice');
    const b = options.balance;
    if (b !== undefined) {
      if (!['weighted', 'sampling', 'none'].includes(b.mode)) throw new OptionsError(`option \`balance\`: mode must be weighted, sampling or none, got ${String(b.mode)}`);
      for (const [k, v] of Object.entries(b.classWeights ?? {})) if (!(Number.isFinite(v) && v >= 0)) throw new OptionsError(`option \`balance\`: the weight of '${k}' must be a number ≥ 0, got ${String(v)}`);
    }
    this.options = Object.freeze({ ...options, classNames: [...names] });
  }

  protected get numOutputs(): number {
    return this.options.classNames.length;
  }

  get classNames(): string[] {
    return [...this.options.classNames];
  }

  protected headTrainOptions(): Partial<TrainOptions> {
    const b = this.options.balance;
    if (b === undefined || b.mode === 'none') return {};
    const weights = this.options.classNames.map((n) => b.classWeights[n] ?? 1);
    return b.mode === 'weighted' ? { classWeights: weights } : { sampleWeights: weights };
  }

  protected checkTrainingData(images: ImageDataset, what: string): void {
    if (images.labels === undefined) throw new OptionsError(`${what}: a classifier trains on labels (class ids), and the images have none`);
    const K = this.numOutputs;
    const bad = images.labels.findIndex((l) => !(l >= 0 && l < K));
    if (bad >= 0) throw new OptionsError(`${what}: image ${bad} has label ${images.labels[bad]}, outside the ${K} classes`);
  }

  /** Each image's `top` most likely classes (default 5), most likely first. */
  async infer(images: ImageDataset, options: OutputOptions & { top?: number } = {}): Promise<ClassGuess[][]> {
    const top = options.top ?? 5;
    if (!(Number.isInteger(top) && top >= 1)) throw new OptionsError(`option \`top\` must be an integer ≥ 1, got ${top}`);
    const K = this.numOutputs;
    const probs = softmaxRows(await this.outputs(images, options), K);
    const names = this.options.classNames;
    return Array.from({ length: images.numImages }, (_, i) => {
      const row = probs.subarray(i * K, (i + 1) * K);
      return topK(row, Math.min(top, K)).map((j) => ({ label: names[j]!, probability: row[j]! }));
    });
  }

  /** Loads a classifier `save` wrote (its folder or its model.pacsmine); FormatError for a damaged or foreign file. */
  static async load(dirOrFile: string, runtime: RuntimeOptions = {}): Promise<ImageClassifier> {
    const file = imageModelFile(dirOrFile);
    const contents = readImageModel(file, [CLASSIFIER_KIND]);
    let model: ImageClassifier;
    try {
      model = new ImageClassifier({ ...ImageModel.savedOptions(contents, runtime), classNames: contents.description.classNames } as ImageClassifierOptions);
    } catch (cause) {
      throw new FormatError(`${file} is damaged: its options are invalid (${(cause as Error).message})`, { cause });
    }
    await model.restore(contents, file);
    return model;
  }
}
