/**
 * Stage `keywords` (`pacsmine regress` runs it after training; library: evaluateKeywords): on the
 * test split, each image's topics from the three classifiers, its keyword per level from the
 * regression output (predict-keywords.ts), R@1/5/10 against the disease words of its own sentences
 * beside the baselines (recall.ts), optionally against a ground truth of words per image (the
 * synthetic archive's findings), and text → image search with captions as queries (search.ts).
 *
 * Written: table image_keywords (one row per test image and level: topic, keyword, cosine, hit) and
 * artifacts/keywords/evaluation.json (the summary and, per test image, what Figure 8 shows: the
 * image, its predicted keywords, its caption and its sentences' own disease words). The digest
 * hashes that JSON, which holds no timings.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { sha256FileSync } from '../store/artifacts.js';
import { codeDigest } from '../util/code-digest.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { termWords } from '../descriptions/bigrams.js';
import { workspaceModelPath } from '../embeddings/stage.js';
import { levelModelDir } from '../evaluation/evaluate.js';
import { IMAGE_MODEL_FILE } from '../training/image-model-file.js';
import { KeywordMatcher, predictTopics, TOP_WORDS, type LevelKeyword } from './predict-keywords.js';
import { readRegressionOutputs, regressionOutputsPath } from './regress.js';
import type { Ontology, SynonymScope } from '../ontology/obo.js';
import { diseaseVocabulary, frequencyRanking, hitAtK, matchKey, randomRanking, recallTable, truthSet, type PairRankings, type RecallTable } from './recall.js';
import { ImageSearchIndex, evaluateSearch, keyImageCaptions, type SearchEvaluation } from './search.js';
import { KEYWORDS_SCHEMA } from './schema.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('keywords', 'training', 'evaluation', 'embeddings', 'descriptions', 'ontology', 'reports', 'topics', 'datasets', 'store', 'util');

export const KEYWORDS_STAGE = 'keywords';

export interface KeywordEvaluationOptions {
  /** Candidates per topic (the paper's 50). */
  topWords?: number;
  /** The K of R@K. Default [1, 5, 10]. */
  ks?: readonly number[];
  /** Seed of the random baseline. Default 1. */
  seed?: number;
  /** A ground truth of words per key image (SOP instance UID -> words), e.g. the synthetic archive's findings. */
  truth?: ReadonlyMap<string, readonly string[]>;
  /**
   * Disease-related words (match keys, recall.ts diseaseVocabulary): when given, the scores are
   * also computed with each topic's candidates restricted to these words ("predicted
   * disease-related words"), on the same pairs (`diseaseCandidates`).
   */
  diseaseVocabulary?: ReadonlySet<string>;
  /** Without `diseaseVocabulary`: the disease-related words are this ontology's (names and synonyms of `synonymScopes`). */
  ontology?: Ontology;
  /** Synonym scopes read from `ontology` besides names. Default EXACT. */
  synonymScopes?: readonly SynonymScope[];
  threads?: number;
}

/** What Figure 8 shows for one test image. */
export interface KeywordExample {
  image: string;
  path: string;
  caption: string;
  keywords: LevelKeyword[];
  /** Disease words of the image's own sentences. */
  diseaseWords: string[];
  /** The ground truth's words, when one was given. */
  truthWords?: string[];
}

export interface KeywordEvaluation {
  /** Test images with a regression output. */
  testImages: number;
  /** Test images whose files the classifiers could not read (by id). */
  rejected: Array<{ id: string; reason: string }>;
  /** Levels with a trained classifier. */
  levels: TopicLevel[];
  /** Test images scored: with disease words in their sentences. */
  scoredImages: number;
  /** Test images left out of R@K: their sentences name no disease. */
  imagesWithoutDiseaseWords: number;
  /** Candidate words per (image, level): the topic's top `topWords`, those with a word vector. */
  candidates: { topWords: number; mean: number; min: number; max: number };
  ks: number[];
  /** Over (image, level) pairs, against the sentences' disease words. */
  sentences: RecallTable;
  /** R@1 per level against the sentences' disease words. */
  perLevel: Partial<Record<TopicLevel, number>>;
  /**
   * The same pairs with the candidates restricted to disease-related words (when a vocabulary was
   * given): a pair whose topic has none is a miss. `candidates`: disease candidates per pair.
   */
  diseaseCandidates?: RecallTable & { candidates: { mean: number; min: number; max: number }; pairsWithout: number };
  /** Against the given ground truth of words, when one was given. */
  truth?: RecallTable & { scoredImages: number };
  search: SearchEvaluation;
  /** The stage's JSON file (summary and one example per test image). */
  json: string;
  digest: string;
}

/** Disease words of each key image's own sentences (term hits of its reference window, by the describe stage's statuses). */
export function imageDiseaseWords(ws: Workspace): Map<string, string[]> {
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'term_hits'").pluck().get() as number;
  if (!has) throw new MissingStageError('no disease terms in the workspace', { stage: 'describe' });
  const params = ws.stageRecord('describe')?.params as { statuses?: string[] } | undefined;
  const statuses = new Set(params?.statuses ?? ['affirmed', 'uncertain']);
  const rows = ws.db.prepare(`SELECT l.sop_instance_uid AS sop, t.text AS text, t.status AS status FROM links l
    JOIN key_images k ON k.id = l.key_image_id JOIN term_hits t ON t.ref_id = k.ref_id
    ORDER BY l.sop_instance_uid, k.id, t.sentence_offset, t.start`).all() as Array<{ sop: string; text: string; status: string }>;
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (!statuses.has(r.status)) continue;
    const list = out.get(r.sop) ?? [];
    for (const w of termWords(r.text)) if (!list.includes(w)) list.push(w);
    out.set(r.sop, list);
  }
  return out;
}

/** Runs the keyword and search evaluation on the test split and records it. */
export async function evaluateKeywords(ws: Workspace, o: KeywordEvaluationOptions = {}): Promise<KeywordEvaluation> {
  ws.db.exec(KEYWORDS_SCHEMA);
  const topWords = o.topWords ?? TOP_WORDS;
  const ks = [...(o.ks ?? [1, 5, 10])];
  if (!(Number.isInteger(topWords) && topWords >= 1) || ks.some((k) => !(Number.isInteger(k) && k >= 1))) throw new OptionsError('topWords and every K must be integers ≥ 1');
  const outputs = readRegressionOutputs(ws);
  const matcher = KeywordMatcher.fromWorkspace(ws, topWords);
  const D = matcher.vectors.vectorSize;
  if (outputs.dim !== 2 * D) throw new MissingStageError(`the regression outputs have ${outputs.dim} values, the word vectors need ${2 * D}`, { stage: 'regress', stale: true });
  const pathOf = new Map((ws.db.prepare('SELECT sop_instance_uid AS id, path FROM key_image_png').all() as Array<{ id: string; path: string }>).map((r) => [r.id, r.path]));
  const test = outputs.ids.map((id, i) => ({ id, i })).filter((x) => outputs.splits[x.i] === 'test');
  const train = outputs.ids.filter((_, i) => outputs.splits[i] === 'train');
  if (test.length === 0) throw new OptionsError('the split has no test images with a regression output');

  const { levels, topics, rejected } = await predictTopics(ws, test.map((t) => pathOf.get(t.id)!), o.threads !== undefined ? { threads: o.threads } : {});
  const disease = imageDiseaseWords(ws);
  const captions = keyImageCaptions(ws);
  const mostFrequent = frequencyRanking(train.map((id) => disease.get(id) ?? []));
  const truthMostFrequent = o.truth ? frequencyRanking(train.map((id) => o.truth!.get(id) ?? [])) : [];
  const rng = new Rng(o.seed ?? 1);

  const sentencePairs: PairRankings[] = [], sentenceTruths: Set<string>[] = [];
  const diseasePairs: PairRankings[] = [];
  const diseaseCounts: number[] = [];
  const vocabulary = o.diseaseVocabulary ?? (o.ontology !== undefined ? diseaseVocabulary(o.ontology, o.synonymScopes) : undefined);
  const diseaseRng = new Rng((o.seed ?? 1) + 1);
  const truthPairs: PairRankings[] = [], truthTruths: Set<string>[] = [];
  const levelHits = new Map<TopicLevel, { hits: number; n: number }>();
  const candidateCounts: number[] = [];
  const examples: KeywordExample[] = [];
  const rows: Array<[string, TopicLevel, string, string | null, number | null, number | null]> = [];
  let scoredImages = 0, withoutDisease = 0, truthScored = 0;
  test.forEach((t, j) => {
    if (rejected.has(j)) return;
    const output = outputs.outputs.subarray(t.i * outputs.dim, (t.i + 1) * outputs.dim);
    const words = disease.get(t.id) ?? [];
    const truthWords = o.truth?.get(t.id);
    const own = truthSet(words);
    const truthKeys = truthWords ? truthSet(truthWords) : undefined;
    const keywords: LevelKeyword[] = [];
    for (const level of TOPIC_LEVELS) {
      const topic = topics[j]![level];
      if (topic === undefined) continue;
      const candidates = [...new Set(matcher.candidates(level, topic).filter((w) => matcher.vectors.has(w)))];
      candidateCounts.push(candidates.length);
      const rankedWords = matcher.rank(level, topic, output);
      const ranked = rankedWords.map((r) => r.word);
      const best = rankedWords[0];
      keywords.push({ level, topic, keyword: best?.word ?? null, cosine: best?.cosine ?? null });
      const random = randomRanking(candidates, rng);
      if (own.size > 0) {
        sentencePairs.push({ regression: ranked, topicsOnly: candidates, randomTopicWord: random, mostFrequent });
        sentenceTruths.push(own);
        if (vocabulary !== undefined) {
          const isDisease = (w: string) => vocabulary.has(matchKey(w));
          const dc = candidates.filter(isDisease);
          diseaseCounts.push(dc.length);
          diseasePairs.push({ regression: ranked.filter(isDisease), topicsOnly: dc, randomTopicWord: randomRanking(dc, diseaseRng), mostFrequent });
        }
        const lh = levelHits.get(level) ?? { hits: 0, n: 0 };
        lh.n++;
        if (hitAtK(ranked, own, 1)) lh.hits++;
        levelHits.set(level, lh);
      }
      if (truthKeys !== undefined && truthKeys.size > 0) {
        truthPairs.push({ regression: ranked, topicsOnly: candidates, randomTopicWord: random, mostFrequent: truthMostFrequent });
        truthTruths.push(truthKeys);
      }
      rows.push([t.id, level, topic, best?.word ?? null, best?.cosine ?? null, own.size > 0 ? (hitAtK(ranked, own, 1) ? 1 : 0) : null]);
    }
    if (own.size > 0) scoredImages++;
    else withoutDisease++;
    if (truthKeys !== undefined && truthKeys.size > 0) truthScored++;
    examples.push({ image: t.id, path: path.relative(ws.dir, pathOf.get(t.id)!), caption: captions.get(t.id) ?? '', keywords, diseaseWords: words, ...(truthWords ? { truthWords: [...truthWords] } : {}) });
  });

  const index = new ImageSearchIndex(outputs.ids, outputs.splits, outputs.outputs, outputs.dim);
  const search = evaluateSearch(index, matcher.vectors, captions, test.map((t) => t.i));
  const mean = candidateCounts.length ? candidateCounts.reduce((a, b) => a + b, 0) / candidateCounts.length : 0;
  const summary = {
    testImages: test.length,
    rejected: [...rejected].map(([j, reason]) => ({ id: test[j]!.id, reason })),
    levels, scoredImages, imagesWithoutDiseaseWords: withoutDisease,
    candidates: { topWords, mean, min: candidateCounts.length ? Math.min(...candidateCounts) : 0, max: candidateCounts.length ? Math.max(...candidateCounts) : 0 },
    ks,
    sentences: recallTable(sentencePairs, sentenceTruths, ks),
    perLevel: Object.fromEntries([...levelHits].map(([l, h]) => [l, h.n ? h.hits / h.n : 0])) as Partial<Record<TopicLevel, number>>,
    ...(vocabulary !== undefined ? {
      diseaseCandidates: {
        ...recallTable(diseasePairs, sentenceTruths, ks),
        candidates: { mean: diseaseCounts.length ? diseaseCounts.reduce((a, b) => a + b, 0) / diseaseCounts.length : 0, min: diseaseCounts.length ? Math.min(...diseaseCounts) : 0, max: diseaseCounts.length ? Math.max(...diseaseCounts) : 0 },
        pairsWithout: diseaseCounts.filter((n) => n === 0).length,
      },
    } : {}),
    ...(o.truth ? { truth: { ...recallTable(truthPairs, truthTruths, ks), scoredImages: truthScored } } : {}),
    search,
  };
  const json = ws.artifactPath('keywords', 'evaluation.json');
  const content = JSON.stringify({ ...summary, examples });
  writeFileSync(json, content);
  const digest = createHash('sha256').update(content).digest('hex');
  const insert = ws.db.prepare('INSERT INTO image_keywords (sop_instance_uid, level, topic, keyword, cosine, hit) VALUES (?, ?, ?, ?, ?, ?)');
  ws.db.transaction(() => {
    ws.db.exec('DELETE FROM image_keywords');
    for (const r of rows) insert.run(...r);
  })();
  const inputs = createHash('sha256').update(sha256FileSync(regressionOutputsPath(ws))).update(sha256FileSync(workspaceModelPath(ws)));
  for (const level of levels) inputs.update(sha256FileSync(path.join(levelModelDir(ws, level), IMAGE_MODEL_FILE)));
  if (o.truth) for (const [k, v] of [...o.truth].sort(([a], [b]) => (a < b ? -1 : 1))) inputs.update(`${k}\0${v.join(' ')}\n`);
  if (vocabulary) inputs.update([...vocabulary].sort().join('\n'));
  ws.recordStage(KEYWORDS_STAGE, { topWords, ks, seed: o.seed ?? 1, truth: o.truth !== undefined, diseaseVocabulary: vocabulary?.size ?? null }, inputs.digest('hex'), CODE(),
    { testImages: summary.testImages, scoredImages, r: summary.sentences.recall, baselines: summary.sentences.baselines, search, digest }, { artifacts: [json] });
  return { ...summary, json, digest };
}
