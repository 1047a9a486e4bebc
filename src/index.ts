/**
 * pacsmine's public API. Only what is exported here is for users; the CLI and the review
 * page import from here too.
 */
export * from './util/errors.js';
export { Rng, mixSeed } from './util/rng.js';
export { packageVersion } from './util/version.js';
export { Workspace, withWorkspace, isWorkspace, digestFile, digestStrings, stableJson } from './store/workspace.js';
export type { StageRecord, Db } from './store/workspace.js';
export { tokenize, scanTokens, countTokens, stemToken, isNumericToken } from './reports/tokenize.js';
export type { TokenizeOptions } from './reports/tokenize.js';
export { STOP_WORDS, isStopWord } from './reports/stopwords.js';

// Training (CNN on key images): backends, kernels, models, the training loop, transfer, ONNX inference.
export { useDevice, type Device, type BackendChoice } from './training/backend.js';
export { registerTrainingKernels, trainingKernelsFor } from './training/kernels/register.js';
export { buildModel, ARCHITECTURES, type Architecture, type ModelSpec } from './training/models.js';
export { syntheticDataset, splitDataset, subset, BatchAssembler, type ImageDataset, type Batch } from './training/data.js';
export { loadManifestDataset, type ManifestEntry, type ManifestDataset } from './training/manifest.js';
export { trainModel, evaluate, type TrainOptions, type TrainReport, type EpochRecord } from './training/trainer.js';
export type { Head } from './training/losses.js';
export { saveLayersModel, loadLayersModel, replaceHead, type ReplaceHeadOptions } from './training/model-io.js';
export { exportOnnx } from './training/onnx-export.js';
export { OnnxPredictor, type OnnxPredictorOptions } from './training/inference.js';
export { runTraining, type TrainRunOptions, type TrainRunResult } from './training/run.js';
export { predictManifest, type Prediction } from './training/predict.js';
export { rawFileDataset, type RawFileDataset } from './training/raw-file.js';
