/**
 * Training checkpoints: one artifact (util/artifact-file.ts) of kind "lda-checkpoint", written
 * atomically every N sweeps, so that a run killed at any moment (kill -9 included) leaves the
 * last complete checkpoint and resumes from it to the same model as a run never interrupted.
 *
 *   meta:   { run, iteration }     `run`: what makes two calls the same run (see runKey)
 *   arrays: z         u16 [numTokens]     topic of every token
 *           alpha     f64 [K]             the prior on θ (re-estimated under optimizeAlpha)
 *           rngStates u32 [streams, 4]    each sampling stream's generator state
 *
 * A checkpoint of another run (other options, corpus, stream count or length) is not an error:
 * it is ignored, and the new run's checkpoints replace it.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { FormatError } from '../util/errors.js';
import { readArtifact, takeArray, writeArtifact } from '../util/artifact-file.js';
import type { Corpus } from './corpus.js';
import type { ResolvedLdaOptions } from './options.js';
import type { SamplerSnapshot } from './trainer.js';

export const LDA_CHECKPOINT_KIND = 'lda-checkpoint';
export const LDA_CHECKPOINT_VERSION = 1;

/** What identifies a training run: a checkpoint resumes only the run that wrote it. */
export interface RunKey {
  numTopics: number;
  alpha: number;
  beta: number;
  seed: number;
  optimizeAlpha: ResolvedLdaOptions['optimizeAlpha'];
  /** Sampling streams (max(1, workers)): the trajectory depends on it. */
  streams: number;
  /** sha256 of the corpus's vocabulary, tokens and document offsets. */
  corpus: string;
  /** The iteration the run stops at. */
  target: number;
}

export function runKey(o: ResolvedLdaOptions, streams: number, corpusDigest: string, target: number): RunKey {
  return { numTopics: o.numTopics, alpha: o.alpha, beta: o.beta, seed: o.seed, optimizeAlpha: o.optimizeAlpha, streams, corpus: corpusDigest, target };
}

const sameKey = (a: RunKey, b: RunKey): boolean => JSON.stringify(a) === JSON.stringify(b);

/** sha256 of what training reads from a corpus (terms, tokens, document boundaries). */
export function corpusDigest(c: Pick<Corpus, 'vocab' | 'tokens' | 'docOffsets'>): string {
  const h = createHash('sha256');
  for (const w of c.vocab) h.update(w).update('\0');
  h.update(`|${c.tokens.length}|`).update(new Uint8Array(c.tokens.buffer, c.tokens.byteOffset, c.tokens.byteLength));
  h.update(`|${c.docOffsets.length}|`).update(new Uint8Array(c.docOffsets.buffer, c.docOffsets.byteOffset, c.docOffsets.byteLength));
  return h.digest('hex');
}

export function writeCheckpoint(file: string, key: RunKey, s: SamplerSnapshot): void {
  writeArtifact(file, {
    kind: LDA_CHECKPOINT_KIND,
    kindVersion: LDA_CHECKPOINT_VERSION,
    meta: { run: key, iteration: s.iteration },
    arrays: { z: s.z, alpha: s.alpha, rngStates: { data: s.rngStates, shape: [s.rngStates.length / 4, 4] } },
  });
}

/**
 * The snapshot in `file` when it is a checkpoint of the run `key` (undefined when there is no
 * file or it belongs to another run). A damaged file is a FormatError: it was written
 * atomically, so damage means something else wrote there.
 */
export function readCheckpoint(file: string, key: RunKey, numTokens: number): SamplerSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  const a = readArtifact(file, { kind: LDA_CHECKPOINT_KIND, versions: [LDA_CHECKPOINT_VERSION] });
  const meta = a.meta as { run?: RunKey; iteration?: unknown } | null;
  if (!meta?.run || !sameKey(meta.run, key)) return undefined;
  const iteration = meta.iteration;
  if (typeof iteration !== 'number' || !Number.isInteger(iteration) || iteration < 0 || iteration > key.target) {
    throw new FormatError(`${file}: checkpoint iteration ${String(iteration)} is outside 0..${key.target}`);
  }
  const check = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new FormatError(`${file}: not a valid LDA checkpoint: ${(e as Error).message}`, { cause: e });
    }
  };
  return {
    iteration,
    z: check(() => takeArray(a, 'z', 'u16', [numTokens])),
    alpha: check(() => takeArray(a, 'alpha', 'f64', [key.numTopics])),
    rngStates: check(() => takeArray(a, 'rngStates', 'u32', [key.streams, 4])),
  };
}

/** Removes a checkpoint (after the model it led to is safely saved). */
export function removeCheckpoint(file: string): void {
  rmSync(file, { force: true });
}
