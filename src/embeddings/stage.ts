/**
 * The `embed` workspace stage, a thin adapter over the Word2Vec model: word2vec on the
 * de-identified report text (reports.text), plus any extra corpus files the user adds (the
 * paper added OpenI biomedical articles). The model goes to artifacts/embeddings/
 * (word2vec.pacsmine, and vectors.bin in the word2vec binary format that gensim reads), with a
 * per-epoch checkpoint beside it while training, so that a killed run resumes where it stopped.
 */
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { InputError } from '../util/errors.js';
import type { RunControl } from '../util/progress.js';
import { sentenceTokens } from './sentences.js';
import { MODEL_FILE, VECTORS_FILE, Word2Vec, resolveWord2VecOptions, type Word2VecOptions, type Word2VecReport } from './word2vec.js';
import { readModelFile } from './model-file.js';
import { WordVectors } from './vectors.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('embeddings', 'reports', 'util');

export const EMBED_STAGE = 'embed';
const CHECKPOINT_FILE = 'checkpoint.pacsmine';

export interface EmbedStageOptions extends Word2VecOptions, RunControl {
  /** Extra plain-text corpus files, one document per line or paragraph. */
  extraCorpus?: readonly string[];
  /**
   * Add the workspace's case text kept beside the reports (table case_extra_text, e.g. MedPix's
   * Disease Discussion, already de-identified): true for every kind, or the kinds to take
   * ('disease-discussion', ...). The paper added biomedical articles to its reports for the same
   * reason: more varied text about the same diseases gives better vectors. Default: none.
   */
  caseExtraText?: boolean | readonly string[];
  /** Train again even when the stage is up to date. */
  force?: boolean;
}

export interface EmbedStageResult {
  /** The word2vec binary file (for gensim and the C tool). */
  vectorsPath: string;
  /** The model file (Word2Vec.load). */
  modelPath: string;
  skipped: boolean;
  reports: number;
  extraDocuments: number;
  /** Case texts taken from case_extra_text. */
  caseExtraTexts: number;
  /** SHA-256 of the trained model (Word2Vec.digest: vocabulary and weights, no timings). */
  digest: string;
  report?: Word2VecReport;
}

/** The folder the embed stage saves its model in. */
export function workspaceModelDir(ws: Workspace): string {
  return path.dirname(ws.artifactPath('embeddings', MODEL_FILE));
}

/** Where the embed stage keeps its vectors in the word2vec binary format. */
export function workspaceVectorsPath(ws: Workspace): string {
  return path.join(workspaceModelDir(ws), VECTORS_FILE);
}

/** Where the embed stage keeps its model file. */
export function workspaceModelPath(ws: Workspace): string {
  return path.join(workspaceModelDir(ws), MODEL_FILE);
}

/** Loads the vectors the embed stage saved (from its model file, every length checked). */
export function loadWorkspaceVectors(ws: Workspace): WordVectors {
  const file = workspaceModelPath(ws);
  if (!existsSync(file)) throw new InputError('the workspace has no word vectors yet: run `pacsmine embed` first');
  const m = readModelFile(file);
  return new WordVectors(m.vocab.words, m.weights.syn0, m.options.vectorSize);
}

export async function runEmbedStage(ws: Workspace, options: EmbedStageOptions = {}): Promise<EmbedStageResult> {
  const { extraCorpus = [], caseExtraText = false, force = false, signal, onProgress, ...w2v } = options;
  const opts = resolveWord2VecOptions(w2v);
  // Report text is streamed from the store, never held as one array: at archive scale (the
  // paper: 780K reports, ~1B words) the text and, worse, its tokens as strings would not fit.
  const reportTexts = reportTextSource(ws);
  const extraTexts = extraCorpus.flatMap((file) => readFileSync(file, 'utf8').split(/\n\s*\n|\n/).filter((l) => l.trim()));
  const caseTexts = readCaseExtraText(ws, caseExtraText);
  const hash = createHash('sha256');
  let reports = 0;
  for (const t of reportTexts) {
    hash.update(t).update('\0');
    reports++;
  }
  for (const t of extraTexts) hash.update(t).update('\0');
  for (const t of caseTexts) hash.update(t).update('\0');
  const inputDigest = hash.digest('hex');
  // Workers change the (Hogwild) result but not what was asked for; the kernel neither.
  const params = { ...opts, workers: undefined, kernel: undefined, extraCorpus: extraCorpus.length, ...(caseExtraText !== false ? { caseExtraText } : {}) };
  const dir = workspaceModelDir(ws);
  const modelPath = workspaceModelPath(ws);
  const vectorsPath = workspaceVectorsPath(ws);
  const counts = { reports, extraDocuments: extraTexts.length, caseExtraTexts: caseTexts.length };
  // Up to date only if both files are byte for byte what this stage wrote (size and SHA-256 in the record).
  const record = ws.stageRecord(EMBED_STAGE);
  const recorded = (record?.summary as { digest?: unknown } | undefined)?.digest;
  if (!force && typeof recorded === 'string' && existsSync(modelPath) && ws.isUpToDate(EMBED_STAGE, params, inputDigest, CODE())) {
    return { vectorsPath, modelPath, skipped: true, ...counts, digest: recorded };
  }
  if (reports + extraTexts.length + caseTexts.length === 0) throw new InputError('no text to train on: the workspace has no reports and no extra corpus was given');
  // Re-iterable: train() reads it twice (vocabulary, then the encoded corpus), each pass a fresh
  // query, so only one report's tokens are alive at a time.
  const sentences: Iterable<string[]> = {
    *[Symbol.iterator]() {
      yield* sentenceTokens(reportTexts);
      yield* sentenceTokens(extraTexts);
      yield* sentenceTokens(caseTexts);
    },
  };
  const model = new Word2Vec(opts);
  const checkpoint = path.join(dir, CHECKPOINT_FILE);
  try {
    const report = await model.train(sentences, { checkpoint, ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
    await model.save(dir);
    const digest = model.digest();
    ws.recordStage(EMBED_STAGE, params, inputDigest, CODE(), { ...report, digest }, { artifacts: [modelPath, vectorsPath] });
    // Only now is the checkpoint no longer needed: a crash before this line resumes from it.
    rmSync(checkpoint, { force: true });
    return { vectorsPath, modelPath, skipped: false, ...counts, digest, report };
  } finally {
    model.dispose();
  }
}

/** The reports' de-identified text in report_id order, read afresh from the store on each iteration. */
function reportTextSource(ws: Workspace): Iterable<string> {
  const query = ws.db.prepare('SELECT text FROM reports ORDER BY report_id').pluck();
  return { [Symbol.iterator]: () => query.iterate() as IterableIterator<string> };
}

/** The case_extra_text rows asked for (none when the table is missing: the workspace has no collection). */
function readCaseExtraText(ws: Workspace, which: boolean | readonly string[]): string[] {
  if (which === false) return [];
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'case_extra_text'").pluck().get() as number;
  if (!has) return [];
  const rows = ws.db.prepare('SELECT kind, text FROM case_extra_text ORDER BY report_id, kind').all() as Array<{ kind: string; text: string }>;
  const kinds = which === true ? undefined : new Set(which);
  return rows.filter((r) => kinds === undefined || kinds.has(r.kind)).map((r) => r.text);
}
