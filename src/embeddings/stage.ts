/**
 * The `embed` workspace stage: word2vec on the de-identified report text (reports.text),
 * plus any extra corpus files the user adds (the paper added OpenI biomedical articles),
 * saved as artifacts/embeddings/vectors.bin (word2vec binary format, readable by gensim).
 */
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Workspace } from '../store/workspace.js';
import { InputError } from '../util/errors.js';
import { sentenceTokens } from './sentences.js';
import { trainWord2Vec, resolveWord2VecOptions, type Word2VecOptions, type Word2VecReport } from './word2vec.js';
import { saveWord2VecFormat, loadWord2VecFormat } from './format.js';
import type { WordVectors } from './vectors.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('embeddings', 'reports', 'util');

export const EMBED_STAGE = 'embed';

export interface EmbedStageOptions extends Word2VecOptions {
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
  vectorsPath: string;
  skipped: boolean;
  reports: number;
  extraDocuments: number;
  /** Case texts taken from case_extra_text. */
  caseExtraTexts: number;
  report?: Omit<Word2VecReport, 'options'>;
}

/** Where the embed stage keeps its vectors. */
export function workspaceVectorsPath(ws: Workspace): string {
  return ws.artifactPath('embeddings', 'vectors.bin');
}

/** Loads the vectors the embed stage saved. */
export function loadWorkspaceVectors(ws: Workspace): WordVectors {
  const file = workspaceVectorsPath(ws);
  if (!existsSync(file)) throw new InputError('the workspace has no word vectors yet: run `pacsmine embed` first');
  return loadWord2VecFormat(file, 'binary');
}

export async function runEmbedStage(ws: Workspace, options: EmbedStageOptions = {}): Promise<EmbedStageResult> {
  const { extraCorpus = [], caseExtraText = false, force = false, ...w2v } = options;
  const opts = resolveWord2VecOptions(w2v);
  const texts = (ws.db.prepare('SELECT text FROM reports ORDER BY report_id').all() as Array<{ text: string }>).map((r) => r.text);
  const extraTexts = extraCorpus.flatMap((file) => readFileSync(file, 'utf8').split(/\n\s*\n|\n/).filter((l) => l.trim()));
  const caseTexts = readCaseExtraText(ws, caseExtraText);
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t).update('\0');
  for (const t of extraTexts) hash.update(t).update('\0');
  for (const t of caseTexts) hash.update(t).update('\0');
  const digest = hash.digest('hex');
  // Workers change the (Hogwild) result but not what was asked for; the kernel neither.
  const params = { ...opts, workers: undefined, kernel: undefined, extraCorpus: extraCorpus.length, ...(caseExtraText !== false ? { caseExtraText } : {}) };
  const vectorsPath = workspaceVectorsPath(ws);
  // Up to date only if vectors.bin is byte for byte what this stage wrote (size and SHA-256 in the record).
  if (!force && ws.isUpToDate(EMBED_STAGE, params, digest, CODE())) {
    return { vectorsPath, skipped: true, reports: texts.length, extraDocuments: extraTexts.length, caseExtraTexts: caseTexts.length };
  }
  if (texts.length + extraTexts.length + caseTexts.length === 0) throw new InputError('no text to train on: the workspace has no reports and no extra corpus was given');
  const sentences = [...sentenceTokens(texts), ...sentenceTokens(extraTexts), ...sentenceTokens(caseTexts)];
  const { vectors, report } = await trainWord2Vec(sentences, opts);
  saveWord2VecFormat(vectors, vectorsPath, 'binary');
  const { options: _unused, ...summary } = report;
  ws.recordStage(EMBED_STAGE, params, digest, CODE(), summary, { artifacts: [vectorsPath] });
  return { vectorsPath, skipped: false, reports: texts.length, extraDocuments: extraTexts.length, caseExtraTexts: caseTexts.length, report: summary };
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
