/**
 * Inference as queue jobs: one job is a batch of images (their index in the run and an absolute
 * path, nothing else) and the folders of the trained networks, which workers read from a shared
 * mount (the workspace's artifacts/models, at the same path on every machine). The worker runs
 * the networks and returns what they give: top guesses per level (classify), or topics and the
 * regression output (keywords). Everything that needs the workspace (topic keywords, the word
 * vectors, the matching) stays with the coordinator.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TopicLevel } from '../topics/stage.js';
import { guessTopics, type FileGuesses } from '../training/classify.js';
import { keywordInputs } from '../keywords/predict-keywords.js';

export const INFER_QUEUE = 'pacsmine-infer';
export const INFER_ATTEMPTS = 3;
export const INFER_BACKOFF_MS = 1000;

export interface InferJob {
  kind: 'classify' | 'keywords';
  /** The level classifiers' folders. */
  networks: Array<{ level: TopicLevel; dir: string }>;
  /** keywords: the regression network's folder. */
  regression?: string;
  /** The batch: index in the run's image list and an absolute path. */
  images: Array<{ index: number; path: string }>;
  /** classify: guesses per level. */
  top?: number;
  /** onnxruntime threads on the worker (default: its cores). */
  threads?: number;
  /** What the networks were when the job was made (so a retrained model makes new jobs, not old results). */
  models: string;
}

/** Per image of the batch (same order): guesses or topics and output; or the reason it could not be read. */
export type InferResult =
  | { kind: 'classify'; guesses: FileGuesses['guesses']; rejected: Array<[number, string]> }
  | { kind: 'keywords'; topics: Array<Partial<Record<TopicLevel, string>>>; outputs: Array<number[] | null>; rejected: Array<[number, string]> };

/** A stamp of model folders: each file's name, size and time (so a retrained network makes new jobs). */
export function modelStamp(dirs: readonly string[]): string {
  const h = createHash('sha256');
  for (const dir of dirs) {
    h.update(dir);
    for (const f of readdirSync(dir).sort()) {
      const s = statSync(path.join(dir, f));
      if (s.isFile()) h.update(`${f}:${s.size}:${s.mtimeMs}`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** The job's id: a hash of all it does (kind, models, batch, options). */
export function inferJobId(job: InferJob): string {
  return `infer-${createHash('sha256').update(JSON.stringify(['infer', job.kind, job.networks, job.regression ?? null, job.images, job.top ?? null, job.models])).digest('hex').slice(0, 32)}`;
}

/** The worker's part: run the networks over the batch (indexes in the result are the batch's). */
export async function runInferJob(job: InferJob): Promise<InferResult> {
  const files = job.images.map((i) => i.path);
  const threads = job.threads !== undefined ? { threads: job.threads } : {};
  if (job.kind === 'classify') {
    const g = await guessTopics(job.networks, files, { ...(job.top !== undefined ? { top: job.top } : {}), ...threads });
    return { kind: 'classify', guesses: g.guesses, rejected: [...g.rejected] };
  }
  if (!job.regression) throw new Error('a keywords job needs the regression network');
  const k = await keywordInputs(job.networks, job.regression, files, threads);
  return { kind: 'keywords', topics: k.topics, outputs: k.outputs.map((o) => (o ? Array.from(o) : null)), rejected: [...k.rejected] };
}
