/**
 * Importing networks in the tfjs layers format (model.json + weights .bin files): what
 * `tensorflowjs_converter --input_format keras` writes from a Keras model, so a user can
 * bring ImageNet weights (e.g. Keras VGG16/VGG19) as local files to fine-tune (option `from` of
 * the image models). Nothing is downloaded. pacsmine saves its own networks as one artifact
 * (image-model-file.ts), never in this format.
 * Also: cutting a network's classifier off and putting a new head on (transfer learning).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tf } from './backend.js';
import { FormatError, OptionsError } from '../util/errors.js';

interface ModelJson {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads a tfjs layers model from a local model.json (or a directory holding one). */
export async function loadLayersModel(file: string): Promise<tf.LayersModel> {
  const jsonPath = file.endsWith('.json') ? file : path.join(file, 'model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch (cause) {
    throw new FormatError(`${jsonPath}: not a readable tfjs layers model.json`, { cause });
  }
  if (json.modelTopology === undefined || json.weightsManifest === undefined) throw new FormatError(`${jsonPath}: needs modelTopology and weightsManifest (a tfjs layers model; convert Keras .h5 files with tensorflowjs_converter, input format keras)`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) parts.push(readFileSync(path.join(path.dirname(jsonPath), p)));
  }
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}

/**
 * The paper's learning-rate multipliers for the new last layer of a fine-tuned network (Section 4:
 * 0.01 on its weights and 0.02 on its bias against 0.001 for the kept layers), as trainModel's
 * `lrMultipliers`.
 */
export const NEW_LAYER_LR = { head: 10, 'head/bias': 20 } as const;

export interface ReplaceHeadOptions {
  numOutputs: number;
  /** Keep layers up to and including this one. Default: the layer before 'head', else before the last layer. */
  cutAfter?: string;
  seed?: number;
}

/**
 * A new network sharing `base`'s layers (and weights) up to `cutAfter`, then a fresh
 * Dense 'head' (flattening first if the features are still an image). Fine-tune it with
 * `lrMultipliers: { head: 10 }`, as the paper did.
 */
export function replaceHead(base: tf.LayersModel, options: ReplaceHeadOptions): tf.LayersModel {
  const layers = base.layers;
  let index: number;
  if (options.cutAfter !== undefined) {
    index = layers.findIndex((l) => l.name === options.cutAfter);
    if (index < 0) throw new OptionsError(`no layer named '${options.cutAfter}' in ${base.name}`);
  } else {
    const head = layers.findIndex((l) => l.name === 'head');
    index = (head >= 0 ? head : layers.length - 1) - 1;
    while (index >= 0 && layers[index]!.getClassName() === 'Dropout') index--;
  }
  if (index < 0) throw new OptionsError(`${base.name} has no layer to put a head on`);
  let features = layers[index]!.output as tf.SymbolicTensor;
  if (features.shape.length > 2) features = tf.layers.flatten({ name: 'head_flatten' }).apply(features) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: options.numOutputs, kernelInitializer: tf.initializers.heNormal({ seed: options.seed ?? 1 }) });
  return tf.model({ inputs: base.inputs, outputs: head.apply(features) as tf.SymbolicTensor, name: `${base.name}_finetune` });
}
