/**
 * The word sections: Figure 6 (a PCA map of the word vectors of the commonest disease terms, from
 * the `embed` stage's model and the `describe` stage's term hits), Figure 7 (key images with their
 * bigrams and their sentence's own words, from the `describe` stage) and Figure 8 with R@K (the
 * `keywords` stage's file, artifacts/keywords/evaluation.json, read field by field so that a
 * missing or newer field shows as missing rather than breaking the page).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { loadWorkspaceVectors, workspaceModelPath } from '../embeddings/stage.js';
import { projectWords2d, type ProjectedWord } from '../embeddings/pca.js';
import { termWords } from '../descriptions/bigrams.js';
import type { DescribeStageResult } from '../descriptions/stage.js';
import { computeCorpusStats } from '../stats/corpus-stats.js';
import { notRun, tableExists, type Section } from './section.js';
import type { ImageRef } from './gather-topics.js';

export interface WordMapReport {
  /** Words in the model and its vector size (the `embed` stage's summary and parameters). */
  vocabulary: number;
  vectorSize: number;
  /** Where the words come from: the commonest disease-term words, or (no `describe` yet) the commonest words. */
  source: 'disease terms' | 'most frequent words';
  words: Array<ProjectedWord & { count: number }>;
}

export interface LevelKeywordRow {
  level: string;
  topic: string;
  keyword: string | null;
  cosine: number | null;
}

export interface ExampleImage extends ImageRef {
  /** The key sentence (de-identified) and the words of it that point at the image. */
  sentence: string;
  reference: string;
  bigrams: Array<[string, string]>;
  /** Disease-term words of the image's sentence and its neighbours. */
  diseaseWords: string[];
  /** The keyword stage's prediction per level (empty before it runs). */
  keywords: LevelKeywordRow[];
}

export interface DescriptionReport {
  refs: number;
  termHits: number;
  keyImages: number;
  keyImagesWithBigrams: number;
  bigramRows: number;
  examples: ExampleImage[];
  digest: string;
}

export interface KeywordReport {
  testImages: number | null;
  scoredImages: number | null;
  /** R@K of the predicted keywords against the sentences' disease words, by K. */
  recall: Record<string, number>;
  /** The same for each baseline, by name and K. */
  baselines: Record<string, Record<string, number>>;
  /** R@1 per level. */
  perLevel: Record<string, number>;
  /** Text → image search, captions as queries (its numeric fields). */
  search: Record<string, number>;
  examples: Array<ImageRef & { caption: string; keywords: LevelKeywordRow[]; diseaseWords: string[] }>;
  digest: string;
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function numbers(x: unknown): Record<string, number> {
  if (!x || typeof x !== 'object') return {};
  return Object.fromEntries(Object.entries(x as Record<string, unknown>).filter((e): e is [string, number] => isNumber(e[1])));
}

/** Disease-term words of the describe stage's hits (negated mentions left out), commonest first. */
function diseaseWordCounts(ws: Workspace): Array<[string, number]> {
  if (!tableExists(ws, 'term_hits') || !ws.stageRecord('describe')) return [];
  const counts = new Map<string, number>();
  for (const text of ws.db.prepare("SELECT text FROM term_hits WHERE status <> 'negated'").pluck().iterate() as Iterable<string>) {
    for (const w of termWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function gatherWords(ws: Workspace, n: number): Section<WordMapReport> {
  const record = ws.stageRecord('embed');
  if (!record || !existsSync(workspaceModelPath(ws))) return notRun('no word vectors: run `pacsmine embed`');
  const vectors = loadWorkspaceVectors(ws);
  let source: WordMapReport['source'] = 'disease terms';
  let ranked = diseaseWordCounts(ws).filter(([w]) => vectors.has(w));
  if (ranked.length < 2) {
    source = 'most frequent words';
    ranked = computeCorpusStats(ws, { topN: 200 }).topWords.map((t): [string, number] => [t.word, t.count]).filter(([w]) => vectors.has(w));
  }
  ranked = ranked.slice(0, n);
  if (ranked.length < 2) return notRun('fewer than 2 disease-term words have a word vector: run `pacsmine describe` after `pacsmine embed` on more text');
  const counts = new Map(ranked);
  const words = projectWords2d(vectors, ranked.map(([w]) => w)).map((p) => ({ ...p, count: counts.get(p.word)! }));
  const summary = record.summary as { numWords?: number };
  return { status: 'ok', vocabulary: summary.numWords ?? vectors.words.length, vectorSize: vectors.vectorSize, source, words };
}

/** The keyword stage's prediction per level for these images, when its table exists. */
function predictedKeywords(ws: Workspace, ids: readonly string[]): Map<string, LevelKeywordRow[]> {
  const out = new Map<string, LevelKeywordRow[]>();
  if (!tableExists(ws, 'image_keywords') || ids.length === 0) return out;
  const q = ws.db.prepare('SELECT level, topic, keyword, cosine FROM image_keywords WHERE sop_instance_uid = ?');
  const order = ['document', 'second', 'sentence'];
  for (const id of ids) {
    const rows = (q.all(id) as LevelKeywordRow[]).sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
    if (rows.length) out.set(id, rows);
  }
  return out;
}

export function gatherDescriptions(ws: Workspace, n: number): Section<DescriptionReport> {
  const record = ws.stageRecord('describe');
  if (!record || !tableExists(ws, 'image_bigrams')) return notRun('no bigram descriptions: run `pacsmine describe`');
  const s = record.summary as DescribeStageResult;
  const examples: ExampleImage[] = [];
  if (tableExists(ws, 'key_image_png')) {
    // Test images first (the ones the keyword stage predicts for), then the rest, by id.
    const split = tableExists(ws, 'dataset_splits') ? "(SELECT split = 'test' FROM dataset_splits d WHERE d.sop_instance_uid = p.sop_instance_uid)" : '0';
    const rows = ws.db.prepare(`
      SELECT p.sop_instance_uid AS id, p.path AS path, MIN(b.key_image_id) AS keyImage FROM image_bigrams b
      JOIN links l ON l.key_image_id = b.key_image_id JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid
      GROUP BY p.sop_instance_uid ORDER BY COALESCE(${split}, 0) DESC, p.sop_instance_uid LIMIT ?`).all(n) as Array<{ id: string; path: string; keyImage: number }>;
    const keywords = predictedKeywords(ws, rows.map((r) => r.id));
    const ref = ws.db.prepare('SELECT r.id AS refId, r.sentence AS sentence, r.text AS text FROM key_images k JOIN refs r ON r.id = k.ref_id WHERE k.id = ?');
    const bigrams = ws.db.prepare('SELECT DISTINCT word1, word2 FROM image_bigrams WHERE key_image_id = ? ORDER BY rowid');
    const hits = ws.db.prepare("SELECT text FROM term_hits WHERE ref_id = ? AND status <> 'negated' ORDER BY sentence_offset, start").pluck();
    for (const r of rows) {
      const rf = ref.get(r.keyImage) as { refId: number; sentence: string; text: string } | undefined;
      const words: string[] = [];
      for (const t of rf ? (hits.all(rf.refId) as string[]) : []) for (const w of termWords(t)) if (!words.includes(w)) words.push(w);
      examples.push({
        id: r.id, path: path.relative(ws.dir, r.path), sentence: rf?.sentence ?? '', reference: rf?.text ?? '',
        bigrams: (bigrams.all(r.keyImage) as Array<{ word1: string; word2: string }>).map((b) => [b.word1, b.word2]),
        diseaseWords: words, keywords: keywords.get(r.id) ?? [],
      });
    }
  }
  return { status: 'ok', refs: s.refs, termHits: s.termHits, keyImages: s.keyImages, keyImagesWithBigrams: s.keyImagesWithBigrams, bigramRows: s.bigramRows, examples, digest: s.digest };
}

export function gatherKeywords(ws: Workspace, n: number): Section<KeywordReport> {
  const record = ws.stageRecord('keywords');
  if (!record) return notRun('no predicted keywords: run `pacsmine regress` (the image-to-words network and its keyword evaluation)');
  const problem = ws.artifactProblem('keywords');
  const file = ws.artifactPath('keywords', 'evaluation.json');
  if (problem !== undefined || !existsSync(file)) return notRun(`the keyword evaluation changed on disk (${problem ?? 'missing'}): run \`pacsmine regress\` again`);
  const e = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const sentences = (e['sentences'] ?? {}) as { recall?: unknown; baselines?: unknown };
  const baselines = Object.fromEntries(Object.entries((sentences.baselines ?? {}) as Record<string, unknown>).map(([k, v]) => [k, numbers(v)]));
  const examples = (Array.isArray(e['examples']) ? (e['examples'] as Array<Record<string, unknown>>) : []).slice(0, n).map((x) => ({
    id: String(x['image']), path: String(x['path']), caption: String(x['caption'] ?? ''),
    keywords: (Array.isArray(x['keywords']) ? (x['keywords'] as LevelKeywordRow[]) : []).map((k) => ({ level: String(k.level), topic: String(k.topic), keyword: k.keyword ?? null, cosine: isNumber(k.cosine) ? k.cosine : null })),
    diseaseWords: Array.isArray(x['diseaseWords']) ? (x['diseaseWords'] as unknown[]).map(String) : [],
  }));
  return {
    status: 'ok',
    testImages: isNumber(e['testImages']) ? e['testImages'] : null,
    scoredImages: isNumber(e['scoredImages']) ? e['scoredImages'] : null,
    recall: numbers(sentences.recall), baselines, perLevel: numbers(e['perLevel']), search: numbers(e['search']), examples,
    digest: String((record.summary as { digest?: unknown }).digest ?? ''),
  };
}
