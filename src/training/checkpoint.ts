/**
 * CNN training checkpoints: everything needed to resume to the same final weights after a
 * crash: weights, momentum, the position in the run, the early-stopping state and the best
 * weights so far. One artifact file (util/artifact-file.ts, kind `cnn-checkpoint`), written
 * atomically, so a crash mid-write leaves the previous checkpoint whole.
 *
 * A checkpoint carries the fingerprint of the run that wrote it (options, data, starting
 * weights, thread count: trainer.ts); one with another fingerprint belongs to another run and
 * is ignored (and replaced at the next write), as LDA's and word2vec's are.
 */
import { existsSync } from 'node:fs';
import { readArtifact, takeArray, writeArtifact, type ArrayInput } from '../util/artifact-file.js';
import { FormatError } from '../util/errors.js';

export const CHECKPOINT_KIND = 'cnn-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface ArrayGroup {
  name: string;
  arrays: Float32Array[];
}

export interface CheckpointContents<S> {
  fingerprint: string;
  state: S;
  groups: ArrayGroup[];
}

export function writeCheckpoint<S>(file: string, contents: CheckpointContents<S>): void {
  const arrays: Record<string, ArrayInput> = {};
  const groups: Array<{ name: string; count: number }> = [];
  for (const g of contents.groups) {
    groups.push({ name: g.name, count: g.arrays.length });
    g.arrays.forEach((a, i) => { arrays[`${g.name}/${i}`] = a; });
  }
  writeArtifact(file, { kind: CHECKPOINT_KIND, kindVersion: CHECKPOINT_VERSION, meta: { fingerprint: contents.fingerprint, state: contents.state, groups }, arrays });
}

/**
 * The checkpoint in `file` when it belongs to the run with `fingerprint`; undefined when there is
 * none or it is another run's. A damaged or foreign file is a FormatError (delete it to start over).
 */
export function readCheckpoint<S>(file: string, fingerprint: string): CheckpointContents<S> | undefined {
  if (!existsSync(file)) return undefined;
  const a = readArtifact(file, { kind: CHECKPOINT_KIND, versions: [CHECKPOINT_VERSION] });
  const meta = a.meta as { fingerprint?: unknown; state?: S; groups?: Array<{ name?: unknown; count?: unknown }> } | null;
  if (!meta || typeof meta.fingerprint !== 'string' || !Array.isArray(meta.groups) || meta.state === undefined) {
    throw new FormatError(`${file} is damaged: its header has no fingerprint, state or array groups`);
  }
  if (meta.fingerprint !== fingerprint) return undefined;
  const groups = meta.groups.map((g) => {
    if (typeof g.name !== 'string' || !Number.isInteger(g.count)) throw new FormatError(`${file} is damaged: an array group without a name or count`);
    const name = g.name;
    return { name, arrays: Array.from({ length: g.count as number }, (_, i) => takeArray(a, `${name}/${i}`, 'f32')) };
  });
  return { fingerprint, state: meta.state, groups };
}
