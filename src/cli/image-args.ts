/**
 * What the inference commands (classify, keywords) share: the images they run over (IMAGE
 * arguments, or with --all-key-images every PNG `images convert` recorded in the workspace), their
 * options, and running in process or on the queue. The same list goes to both runs, so their
 * outputs stay equal.
 */
import type { Command } from 'commander';
import { OPTION_VALUES, OptionsError, convertedKeyImagePaths, type EnqueueInferOptions, type Workspace } from '../index.js';
import { addQueueOptions, workspaceOption } from './flags.js';
import { integerFlag } from './numbers.js';
import { inWorkspace, type WorkspaceFlags } from './output.js';
import { progressReporter } from './progress.js';

export const ALL_KEY_IMAGES_HELP = 'run over every key image `images convert` rendered into the workspace (in SOP Instance UID order) instead of IMAGE arguments';

/** Checks the choice before the workspace opens; returns how to resolve it once it is open. */
export function imageChoice(images: readonly string[], allKeyImages: boolean | undefined): (ws: Workspace) => string[] {
  if (allKeyImages && images.length) throw new OptionsError('give IMAGE arguments or --all-key-images, not both');
  if (!allKeyImages && images.length === 0) throw new OptionsError('give IMAGE arguments, or --all-key-images for the workspace\'s converted key images');
  return allKeyImages ? (ws) => convertedKeyImagePaths(ws) : () => [...images];
}

/** The flags every inference command has (its own come on top). */
export interface InferenceFlags extends WorkspaceFlags {
  threads?: number;
  json?: boolean;
  queue?: string;
  redisTimeout: number;
  batch: number;
  progress?: boolean;
  allKeyImages?: boolean;
}

/** IMAGE arguments, --all-key-images, -w, --queue and its options, --threads, --batch, --no-progress. */
export function addInferenceOptions(command: Command): Command {
  return addQueueOptions(command, 'the networks')
    .argument('[images...]', 'image files (any format sharp reads)')
    .option('--all-key-images', ALL_KEY_IMAGES_HELP)
    .addOption(workspaceOption());
}

/** --threads, --batch and --no-progress, after the command's own options (the order --help shows). */
export function addInferenceRunOptions(command: Command): Command {
  return command
    .option('--threads <n>', `onnxruntime threads, at most ${OPTION_VALUES.maxWorkers} (default: all cores)`, integerFlag('threads', { min: 1, max: OPTION_VALUES.maxWorkers }))
    .option('--batch <n>', 'with --queue: images per job', integerFlag('batch', { min: 1, max: 100_000 }), 256)
    .option('--no-progress', 'no progress bar (with --queue)');
}

/**
 * Runs an inference command over its images in the workspace: in process, or with --queue as
 * jobs for `pacsmine worker` processes, with a progress bar unless --no-progress or --json.
 */
export async function runInference<T>(verb: string, images: readonly string[], f: InferenceFlags,
  inProcess: (ws: Workspace, files: string[], threads: { threads?: number }) => Promise<T>,
  queued: (ws: Workspace, files: string[], options: EnqueueInferOptions) => Promise<T>): Promise<T> {
  const pick = imageChoice(images, f.allKeyImages);
  const threads = f.threads !== undefined ? { threads: f.threads } : {};
  if (f.queue === undefined) return inWorkspace(verb, f, 'read', (ws) => inProcess(ws, pick(ws), threads));
  const reporter = progressReporter(f.progress !== false && !f.json);
  try {
    return await inWorkspace(verb, f, 'read', (ws) => queued(ws, pick(ws), { ...threads, redis: f.queue!, redisTimeoutMs: f.redisTimeout * 1000, batch: f.batch, onProgress: reporter.onProgress }));
  } finally {
    reporter.stop();
  }
}
