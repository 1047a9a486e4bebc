/**
 * Labelling images with a saved network (`pacsmine predict --model DIR`, a folder `pacsmine train
 * --out` wrote): images from a manifest, fitted to the network's image size as in training and
 * centre-cropped as in validation, through ImageClassifier or ImageRegressor.
 */
import { loadManifestDataset } from './manifest.js';
import { ImageClassifier } from './image-classifier.js';
import { ImageRegressor } from './image-regressor.js';
import { CLASSIFIER_KIND, readImageModelDescription } from './image-model-file.js';
import type { OutputOptions } from './image-model.js';

export interface Prediction {
  /** Index of the record in the manifest. */
  index: number;
  /** Softmax head: the top class and its probability. */
  label?: string;
  score?: number;
  /** Sigmoid head: the output vector after the sigmoid. */
  vector?: number[];
}

export async function predictManifest(modelDir: string, manifest: string, opts: OutputOptions = {}): Promise<{ predictions: Prediction[]; rejects: { index: number; reason: string }[]; imagesPerSecond: number }> {
  const { kind, description: d } = readImageModelDescription(modelDir);
  const m = await loadManifestDataset(manifest, { size: d.imageSize, channels: d.inputShape[2] === 3 ? 3 : 1, unlabelled: true, fit: d.fit });
  const started = performance.now();
  const predictions: Prediction[] = [];
  if (kind === CLASSIFIER_KIND) {
    const model = await ImageClassifier.load(modelDir);
    try {
      (await model.infer(m.data, { ...opts, top: 1 })).forEach((guesses, i) => predictions.push({ index: m.kept[i]!, label: guesses[0]!.label, score: guesses[0]!.probability }));
    } finally {
      model.dispose();
    }
  } else {
    const model = await ImageRegressor.load(modelDir);
    try {
      (await model.infer(m.data, opts)).forEach((z, i) => predictions.push({ index: m.kept[i]!, vector: Array.from(z, (v) => 1 / (1 + Math.exp(-v))) }));
    } finally {
      model.dispose();
    }
  }
  return { predictions, rejects: m.rejects, imagesPerSecond: m.data.numImages / ((performance.now() - started) / 1000) };
}
