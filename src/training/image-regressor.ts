/**
 * A CNN regressing images onto target vectors (the paper's image-to-words network, Section 5.3):
 * `targetDim` sigmoid outputs trained with the sigmoid cross-entropy against targets in [0, 1]
 * (Caffe's SigmoidCrossEntropyLoss). `infer` returns the logits ẑ: the network learns
 * g(ẑ) ≈ targets, so ẑ estimates what the targets encode (keywords/targets.ts). The life cycle is
 * image-model.ts's.
 */
import type { ImageDataset } from './data.js';
import type { TrainOptions } from './trainer.js';
import { ImageModel, type ImageModelOptions, type OutputOptions, type RuntimeOptions } from './image-model.js';
import { REGRESSOR_KIND, imageModelFile, readImageModel } from './image-model-file.js';
import { FormatError, OptionsError } from '../util/errors.js';

export interface ImageRegressorOptions extends ImageModelOptions {
  /** Target dimensions: the network's outputs (512 in the paper: two 256-d word vectors). */
  targetDim: number;
}

export class ImageRegressor extends ImageModel {
  readonly stage = 'regress';
  protected readonly kind = REGRESSOR_KIND;
  protected readonly head = 'sigmoid' as const;
  declare readonly options: Readonly<ImageRegressorOptions>;

  /** Checks the options (OptionsError naming the bad one); trains nothing. */
  constructor(options: ImageRegressorOptions) {
    super(options);
    if (!(Number.isInteger(options.targetDim) && options.targetDim >= 1)) throw new OptionsError(`option \`targetDim\` must be an integer ≥ 1, got ${String(options.targetDim)}`);
  }

  protected get numOutputs(): number {
    return this.options.targetDim;
  }

  protected get classNames(): string[] {
    return [];
  }

  protected headTrainOptions(): Partial<TrainOptions> {
    return {};
  }

  protected checkTrainingData(images: ImageDataset, what: string): void {
    if (images.targets === undefined || images.targetDim !== this.options.targetDim) {
      throw new OptionsError(`${what}: the regressor trains on ${this.options.targetDim}-d targets, the images have ${images.targets === undefined ? 'none' : `${images.targetDim ?? '?'}-d ones`}`);
    }
  }

  /** Each image's output vector ẑ (the logits; apply the sigmoid for g(ẑ)), [targetDim] per image. */
  async infer(images: ImageDataset, options: OutputOptions = {}): Promise<Float32Array[]> {
    const all = await this.outputs(images, options);
    const D = this.options.targetDim;
    return Array.from({ length: images.numImages }, (_, i) => all.slice(i * D, (i + 1) * D));
  }

  /** Loads a regressor `save` wrote (its folder or its model.pacsmine); FormatError for a damaged or foreign file. */
  static async load(dirOrFile: string, runtime: RuntimeOptions = {}): Promise<ImageRegressor> {
    const file = imageModelFile(dirOrFile);
    const contents = readImageModel(file, [REGRESSOR_KIND]);
    let model: ImageRegressor;
    try {
      model = new ImageRegressor({ ...ImageModel.savedOptions(contents, runtime), targetDim: contents.description.numOutputs } as ImageRegressorOptions);
    } catch (cause) {
      throw new FormatError(`${file} is damaged: its options are invalid (${(cause as Error).message})`, { cause });
    }
    await model.restore(contents, file);
    return model;
  }
}
