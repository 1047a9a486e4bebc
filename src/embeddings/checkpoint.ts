/**
 * Per-epoch training checkpoints, so that a run killed at any moment (kill -9, a power cut)
 * resumes after its last finished epoch and ends with the vectors an uninterrupted run gives.
 * A checkpoint is one artifact file (written atomically: the previous one stays whole until the
 * new one has replaced it) with the weights, every thread's random-number state, the epochs
 * done and the learning-rate position (the raw words trained so far), and a fingerprint of
 * everything else that decides the result: options, vocabulary, corpus, kernel, threads and
 * starting weights. A checkpoint with another fingerprint belongs to another run and is ignored.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readArtifact, takeArray, writeArtifact } from '../util/artifact-file.js';
import { FormatError } from '../util/errors.js';
import type { EncodedCorpus } from './corpus.js';
import type { KernelKind, ResolvedWord2VecOptions } from './options.js';
import type { Vocabulary } from './vocab.js';
import type { Weights } from './training-arrays.js';

export const CHECKPOINT_KIND = 'word2vec-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  fingerprint: string;
  /** Epochs finished; training goes on with epoch `epochsDone` (0-based). */
  epochsDone: number;
  /** Raw words trained when the checkpoint was taken: the learning rate's position. */
  progressWords: number;
  /** Each thread's random-number state (four 32-bit words). */
  rng: number[][];
  weights: Weights;
}

export interface RunIdentity {
  options: ResolvedWord2VecOptions;
  kernel: KernelKind;
  /** Kernels that train (1 for the calling thread). */
  threads: number;
  vocab: Vocabulary;
  corpus: EncodedCorpus;
  /** The weights training starts from, when not the seed's (continued training). */
  start?: Weights;
}

/** What a checkpoint must match to be resumed: everything but the weights and the position. */
export function runFingerprint(r: RunIdentity): string {
  const h = createHash('sha256');
  const { workers: _workers, ...options } = r.options; // the thread count is below, resolved
  const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  h.update(JSON.stringify({ options, kernel: r.kernel, threads: r.threads, numWords: r.vocab.words.length }));
  for (const w of r.vocab.words) h.update(w).update('\0');
  h.update(bytes(r.vocab.counts)).update(bytes(r.corpus.ids)).update(bytes(r.corpus.sentenceOffsets));
  if (r.start) h.update('start').update(bytes(r.start.syn0)).update(bytes(r.start.syn1)).update(bytes(r.start.syn1neg));
  return h.digest('hex');
}

export function writeCheckpoint(file: string, c: Checkpoint): void {
  writeArtifact(file, {
    kind: CHECKPOINT_KIND,
    kindVersion: CHECKPOINT_VERSION,
    meta: { fingerprint: c.fingerprint, epochsDone: c.epochsDone, progressWords: c.progressWords, rng: c.rng },
    arrays: { syn0: c.weights.syn0, syn1: c.weights.syn1, syn1neg: c.weights.syn1neg },
  });
}

/**
 * The checkpoint in `file` when it belongs to this run (same fingerprint, `threads` states,
 * weights of the expected sizes); undefined when there is none or it belongs to another run.
 * A damaged or foreign file is a FormatError: it is not ours to overwrite silently.
 */
export function readCheckpoint(file: string, fingerprint: string, expected: { threads: number; epochs: number; sizes: { syn0: number; syn1: number; syn1neg: number } }): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  let a;
  try {
    a = readArtifact(file, { kind: CHECKPOINT_KIND, versions: [CHECKPOINT_VERSION] });
  } catch (e) {
    throw new FormatError(`${(e as Error).message} (a word2vec checkpoint: delete it to train from the first epoch)`, { cause: e });
  }
  const meta = a.meta as Partial<Omit<Checkpoint, 'weights'>> | null;
  if (meta?.fingerprint !== fingerprint) return undefined;
  const bad = (why: string): FormatError => new FormatError(`${file} is damaged: ${why} (a word2vec checkpoint: delete it to train from the first epoch)`);
  const { epochsDone, progressWords, rng } = meta;
  if (!Number.isInteger(epochsDone) || (epochsDone as number) < 1 || (epochsDone as number) > expected.epochs) throw bad(`epochsDone ${String(epochsDone)} is not in 1..${expected.epochs}`);
  if (!Number.isInteger(progressWords) || (progressWords as number) < 0) throw bad(`progressWords ${String(progressWords)} is not a count`);
  if (!Array.isArray(rng) || rng.length !== expected.threads || !rng.every((s) => Array.isArray(s) && s.length === 4 && s.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff))) {
    throw bad(`it does not hold ${expected.threads} random-number states of four 32-bit words`);
  }
  let weights: Weights;
  try {
    weights = {
      syn0: takeArray(a, 'syn0', 'f32', [expected.sizes.syn0]),
      syn1: takeArray(a, 'syn1', 'f32', [expected.sizes.syn1]),
      syn1neg: takeArray(a, 'syn1neg', 'f32', [expected.sizes.syn1neg]),
    };
  } catch (e) {
    throw bad((e as Error).message);
  }
  return { fingerprint, epochsDone: epochsDone as number, progressWords: progressWords as number, rng: rng as number[][], weights };
}
