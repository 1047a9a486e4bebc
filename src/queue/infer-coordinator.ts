/**
 * The coordinator of queued inference (`classify --queue`, `keywords --queue`): it splits the
 * image list into batches, one job each, waits for the workers and assembles their outputs in the
 * input order, then does the workspace's part itself (topic keywords, keyword matching), so the
 * result and its digest are those of the in-process command. Nothing is written to the workspace:
 * results stay in Redis until the run has them all, so a stopped coordinator, run again, finds them.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import type { TopicLevel } from '../topics/stage.js';
import { OptionsError } from '../util/errors.js';
import { classifierNetworks, classifyResult, type ClassifyResult, type FileGuesses } from '../training/classify.js';
import { checkRegressionDim, KeywordMatcher, keywordsResult, regressionNetwork, topicNetworks, type KeywordInputs, type KeywordsResult } from '../keywords/predict-keywords.js';
import type { QueueRunOptions } from './coordinator.js';
import { INFER_ATTEMPTS, INFER_BACKOFF_MS, INFER_QUEUE, inferJobId, modelStamp, type InferJob, type InferResult } from './infer-jobs.js';
import { runJobs, type QueuedJob } from './run-jobs.js';

export interface EnqueueInferOptions extends QueueRunOptions {
  /** Images per job (default 256): large enough that loading the networks is a small part of a job. */
  batch?: number;
  /** onnxruntime threads on each worker (default: its cores). */
  threads?: number;
}

type Networks = Array<{ level: TopicLevel; dir: string }>;

/** Runs the batches on the workers; hands each finished batch's result, with its first index, to `take`. */
async function runBatches(kind: InferJob['kind'], networks: Networks, regression: string | undefined, files: readonly string[], options: EnqueueInferOptions & { top?: number },
  take: (images: InferJob['images'], r: InferResult | { failed: string }) => void): Promise<void> {
  const size = options.batch ?? 256;
  if (!Number.isInteger(size) || size < 1) throw new OptionsError(`option \`batch\` must be a positive integer, got ${size}`);
  // The workers read the model folders at these paths: a shared mount, the same path everywhere.
  const dirs = networks.map((n) => ({ level: n.level, dir: path.resolve(n.dir) }));
  const reg = regression === undefined ? undefined : path.resolve(regression);
  const models = modelStamp([...dirs.map((d) => d.dir), ...(reg ? [reg] : [])]);
  const jobs = new Map<string, QueuedJob<InferJob>>();
  for (let start = 0; start < files.length; start += size) {
    const data: InferJob = {
      kind, networks: dirs, models,
      images: files.slice(start, start + size).map((f, i) => ({ index: start + i, path: path.resolve(f) })),
      ...(reg ? { regression: reg } : {}),
      ...(options.top !== undefined ? { top: options.top } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    };
    const id = inferJobId(data);
    jobs.set(id, { id, data });
  }
  await runJobs<InferJob, InferResult>({
    redis: options.redis,
    queue: INFER_QUEUE,
    name: kind,
    stage: kind,
    unit: 'batches',
    jobs: [...jobs.values()],
    attempts: INFER_ATTEMPTS,
    backoffMs: INFER_BACKOFF_MS,
    keepUntilEnd: true,
    commit: (batch) => {
      for (const j of batch) take(j.data.images, j.ok ? j.result : { failed: `job failed after ${j.attempts} attempts: ${j.reason}` });
    },
    ...(options.redisTimeoutMs !== undefined ? { redisTimeoutMs: options.redisTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** `classify --queue`: the same result (and digest) as classifyImages, with the networks run by queue workers. */
export async function enqueueClassify(ws: Workspace, files: readonly string[], options: EnqueueInferOptions & { top?: number; keywords?: number }): Promise<ClassifyResult> {
  const networks = classifierNetworks(ws);
  const g: FileGuesses = { guesses: files.map(() => ({})), rejected: new Map() };
  await runBatches('classify', networks, undefined, files, { ...options, top: options.top ?? 5 }, (images, r) => {
    if ('failed' in r) for (const i of images) g.rejected.set(i.index, r.failed);
    else if (r.kind === 'classify') {
      images.forEach((img, k) => { g.guesses[img.index] = r.guesses[k] ?? {}; });
      for (const [k, reason] of r.rejected) g.rejected.set(images[k]!.index, reason);
    }
  });
  return classifyResult(ws, networks, files, g, options.keywords ?? 10);
}

/** `keywords --queue`: the same result (and digest) as predictKeywords, with the networks run by queue workers. */
export async function enqueueKeywords(ws: Workspace, files: readonly string[], options: EnqueueInferOptions): Promise<KeywordsResult> {
  if (files.length === 0) throw new OptionsError('no images given');
  const matcher = KeywordMatcher.fromWorkspace(ws);
  const networks = topicNetworks(ws);
  const regression = regressionNetwork(ws);
  checkRegressionDim(regression, matcher);
  const inputs: KeywordInputs = { topics: files.map(() => ({})), outputs: files.map(() => undefined), rejected: new Map() };
  await runBatches('keywords', networks, regression, files, options, (images, r) => {
    if ('failed' in r) for (const i of images) inputs.rejected.set(i.index, r.failed);
    else if (r.kind === 'keywords') {
      images.forEach((img, k) => {
        inputs.topics[img.index] = r.topics[k] ?? {};
        inputs.outputs[img.index] = r.outputs[k] ?? undefined;
      });
      for (const [k, reason] of r.rejected) inputs.rejected.set(images[k]!.index, reason);
    }
  });
  return keywordsResult(matcher, networks.map((n) => n.level), files, inputs);
}
