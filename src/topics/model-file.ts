/**
 * The LDA model file: one artifact (util/artifact-file.ts) of kind "lda-model", version 1.
 *
 *   meta:   { options, vocab, docIds, beta, training }        (small JSON)
 *   arrays: alpha          f64 [K]
 *           wtOffsets      u32 [V + 1]      word w's slots are [wtOffsets[w], wtOffsets[w+1])
 *           wtTopics       u16 [slots]      topic of each slot (0 in empty slots: the file is a function of the counts)
 *           wtCounts       u32 [slots]      tokens of the word in that topic (0 = unused slot)
 *           nk             i32 [K]          tokens per topic
 *           docOffsets     u32 [numDocs + 1]
 *           docTopicIds    u16 [nnz]
 *           docTopicCounts u32 [nnz]
 *
 * The reader checks every array against the sizes the others imply (the container already
 * checked each against the file size), and the indices inside them: a wrong length or an
 * out-of-range id would otherwise read as undefined, then NaN, silently.
 */
import { FormatError } from '../util/errors.js';
import { readArtifact, takeArray, writeArtifact, type Artifact, type Dtype, type DtypeArrays } from '../util/artifact-file.js';
import type { ResolvedLdaOptions } from './options.js';
import type { TrainedLda } from './trained.js';

export const LDA_MODEL_KIND = 'lda-model';
export const LDA_MODEL_VERSION = 1;

interface ModelMeta {
  options: ResolvedLdaOptions;
  vocab: string[];
  docIds: string[];
  beta: number;
  training: TrainedLda['meta'];
}

export function writeModelFile(file: string, options: ResolvedLdaOptions, m: TrainedLda): void {
  const c = m.counts;
  const meta: ModelMeta = { options, vocab: m.vocab, docIds: m.docIds, beta: m.beta, training: m.meta };
  writeArtifact(file, {
    kind: LDA_MODEL_KIND,
    kindVersion: LDA_MODEL_VERSION,
    meta,
    arrays: {
      alpha: m.alpha, wtOffsets: c.wtOffsets, wtTopics: c.wtTopics, wtCounts: c.wtCounts, nk: c.nk,
      docOffsets: m.docTopics.offsets, docTopicIds: m.docTopics.topics, docTopicCounts: m.docTopics.counts,
    },
  });
}

export function readModelFile(file: string): { options: ResolvedLdaOptions; trained: TrainedLda } {
  const a = readArtifact(file, { kind: LDA_MODEL_KIND, versions: [LDA_MODEL_VERSION] });
  const bad = (why: string): never => { throw new FormatError(`${file}: not a valid LDA model: ${why}`); };
  const meta = checkMeta(a, bad);
  const K = meta.options.numTopics;
  const V = meta.vocab.length;
  const D = meta.docIds.length;
  const take = <T extends Dtype>(name: string, dtype: T, length?: number): DtypeArrays[T] => {
    try {
      return takeArray(a, name, dtype, [length ?? null]);
    } catch (e) {
      throw new FormatError(`${file}: not a valid LDA model: ${(e as Error).message}${length === undefined ? '' : ` (K = ${K}, V = ${V}, ${D} documents)`}`, { cause: e });
    }
  };
  const alpha = take('alpha', 'f64', K);
  const nk = take('nk', 'i32', K);
  const wtOffsets = take('wtOffsets', 'u32', V + 1);
  const slots = checkOffsets(wtOffsets, 'wtOffsets', bad);
  const wtTopics = take('wtTopics', 'u16', slots);
  const wtCounts = take('wtCounts', 'u32', slots);
  const docOffsets = take('docOffsets', 'u32', D + 1);
  const nnz = checkOffsets(docOffsets, 'docOffsets', bad);
  const docTopicIds = take('docTopicIds', 'u16', nnz);
  const docTopicCounts = take('docTopicCounts', 'u32', nnz);
  for (let k = 0; k < K; k++) if (!((alpha[k] as number) > 0)) bad(`alpha[${k}] is ${alpha[k]}, expected > 0`);
  // Topic ids index K-sized arrays: an id >= K would read undefined, then NaN.
  for (let i = 0; i < slots; i++) if ((wtCounts[i] as number) > 0 && (wtTopics[i] as number) >= K) bad(`word-topic slot ${i} names topic ${wtTopics[i]}, K is ${K}`);
  for (let i = 0; i < nnz; i++) if ((docTopicIds[i] as number) >= K) bad(`doc-topic entry ${i} names topic ${docTopicIds[i]}, K is ${K}`);
  let tokens = 0;
  for (let k = 0; k < K; k++) tokens += nk[k] as number;
  let counted = 0;
  for (let i = 0; i < slots; i++) counted += wtCounts[i] as number;
  if (tokens !== counted) bad(`the topic totals (nk) hold ${tokens} tokens, the word-topic counts ${counted}`);
  return {
    options: meta.options,
    trained: {
      vocab: meta.vocab, alpha, beta: meta.beta, docIds: meta.docIds, meta: meta.training,
      counts: { K, V, wtOffsets, wtTopics, wtCounts, nk },
      docTopics: { offsets: docOffsets, topics: docTopicIds, counts: docTopicCounts },
    },
  };
}

function checkMeta(a: Artifact, bad: (why: string) => never): ModelMeta {
  const m = a.meta as Partial<ModelMeta> | null;
  if (!m || typeof m !== 'object') bad('the header has no meta');
  const o = m?.options;
  if (!o || !Number.isInteger(o.numTopics) || o.numTopics < 1) bad('meta.options.numTopics is missing or not a positive integer');
  if (!Array.isArray(m?.vocab) || !m.vocab.every((w) => typeof w === 'string')) bad('meta.vocab is not a list of terms');
  if (!Array.isArray(m?.docIds) || !m.docIds.every((d) => typeof d === 'string')) bad('meta.docIds is not a list of ids');
  if (typeof m?.beta !== 'number' || !(m.beta > 0)) bad('meta.beta is not a number > 0');
  if (!m?.training || typeof m.training !== 'object') bad('meta.training is missing');
  return m as ModelMeta;
}

/** Checks that `offsets` starts at 0 and never decreases; returns its last value (the size of the array it indexes). */
function checkOffsets(offsets: Uint32Array, name: string, bad: (why: string) => never): number {
  if (offsets[0] !== 0) bad(`${name}[0] is ${offsets[0]}, expected 0`);
  for (let i = 1; i < offsets.length; i++) if ((offsets[i] as number) < (offsets[i - 1] as number)) bad(`${name} decreases at ${i}`);
  return offsets[offsets.length - 1] as number;
}
