/**
 * The workspace stage `topics:<level>`: a thin adapter from the workspace to `LdaModel`. It
 * reads de-identified reports (document, second level) or the 3-sentence windows around
 * key-image sentences (sentence level), trains the model(s) through labelDocuments, and writes
 * `topics`, `topic_docs` and `topic_labels` (one label per key image per level). Models are
 * saved under `artifacts/topics/<name>/`, sweep curves as `artifacts/topics/<level>-sweep.json`.
 *
 * Every model checkpoints into `artifacts/topics/checkpoints/<level>/` while it trains, so a
 * run killed at any point (kill -9 included) resumes there when run again, to the same result
 * (same `digest`) as a run never interrupted; the checkpoints go once the stage is recorded.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { codeDigest } from '../util/code-digest.js';
import { TOPICS_SCHEMA } from './schema.js';
import { labelDocuments, type DocLabel, type LabelOptions } from './label.js';
import { saveSweep, type SweepResult } from './select.js';
import { LDA_MODEL_FILE, type LdaModel } from './model.js';
import { topicStageDigest } from './digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('reports', 'store', 'topics', 'util');

export type TopicLevel = 'document' | 'second' | 'sentence';
export const TOPIC_LEVELS: readonly TopicLevel[] = ['document', 'second', 'sentence'];

export interface TopicStageOptions extends Omit<LabelOptions, 'checkpointDir'> {
  level: TopicLevel;
  /** Words stored per topic. Default 50 (the keyword-retrieval step uses them). */
  topWords?: number;
  /** Second level: document-level topics with fewer documents get a single sub-topic. Default 20. */
  minDocsPerSubtopicModel?: number;
  /** Re-run even when the stage is up to date. */
  force?: boolean;
}

export interface TopicSummary {
  level: TopicLevel;
  numDocs: number;
  numTopics: number;
  numImages: number;
  methods: Record<string, number>;
  /** Share of key images in the largest topic (the paper's imbalance: about half). */
  largestTopicImageShare: number;
  chosenK?: number | number[];
  sweep?: SweepResult;
  /** Second level: the K sweep of each document-level topic that had a model of its own (Figure 2). */
  sweeps?: Record<string, SweepResult>;
  dropped: Record<string, number>;
  topics: { label: string; numDocs: number; numImages: number; topWords: string[] }[];
  /** sha256 of the level's rows and saved models (not timings): equal for equal runs, resumed or not. */
  digest: string;
  /** Models that resumed from a checkpoint of an interrupted run, and the sweep each resumed at. */
  resumedFrom?: Record<string, number>;
  skipped?: boolean;
}

interface TopicRow { parent: number; topic: number; words: string[] }

export async function runTopicStage(ws: Workspace, o: TopicStageOptions): Promise<TopicSummary> {
  if (!TOPIC_LEVELS.includes(o.level)) throw new OptionsError(`option \`level\` must be one of ${TOPIC_LEVELS.join(', ')}, got ${String(o.level)}`);
  ws.db.exec(TOPICS_SCHEMA);
  const stage = `topics:${o.level}`;
  const docs = readDocs(ws, o.level);
  // What changes the output; how it is run (cancellation, progress, checkpoint spacing) does not.
  const params = { ...o, force: undefined, signal: undefined, onProgress: undefined, checkpointEvery: undefined };
  const digest = digestDocs(docs);
  if (!o.force && ws.isUpToDate(stage, params, digest, CODE())) {
    return { ...(ws.stageRecord(stage)?.summary as TopicSummary), skipped: true };
  }
  const topN = o.topWords ?? 50;
  const checkpoints = ws.artifactPath('topics', 'checkpoints', o.level);
  const labels = new Map<string, DocLabel & { parent: number }>();
  const topicRows: TopicRow[] = [];
  const dropped: Record<string, number> = {};
  const resumedFrom: Record<string, number> = {};
  let chosenK: number | number[] | undefined;
  let sweep: SweepResult | undefined;
  const sweeps: Record<string, SweepResult> = {};
  const addDropped = (d: object) => {
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) if (typeof v === 'number') dropped[k] = (dropped[k] ?? 0) + v;
  };
  const artifacts: string[] = [];
  const modelFiles: string[] = [];
  const keepModel = (model: LdaModel, parent: number, name: string, resumed: number | undefined) => {
    const dir = ws.artifactPath('topics', name);
    model.save(dir);
    modelFiles.push(path.join(dir, LDA_MODEL_FILE));
    if (resumed !== undefined) resumedFrom[name] = resumed;
    for (const t of model.topWords(topN)) topicRows.push({ parent, topic: t.topic, words: t.words });
  };
  const { level: _level, topWords: _topWords, minDocsPerSubtopicModel: _min, force: _force, ...label } = o;

  if (o.level === 'second') {
    const groups = new Map<number, { id: string; text: string }[]>();
    for (const d of docs) {
      const g = groups.get(d.parent as number) ?? [];
      g.push(d);
      groups.set(d.parent as number, g);
    }
    const ks: number[] = [];
    const minDocs = o.minDocsPerSubtopicModel ?? 20;
    for (const [parent, group] of [...groups].sort((a, b) => a[0] - b[0])) {
      let result: Awaited<ReturnType<typeof labelDocuments>> | undefined;
      if (group.length >= minDocs) {
        try {
          result = await labelDocuments(group, { ...label, capK: true, seed: (o.seed ?? 1) + parent, checkpointDir: path.join(checkpoints, `parent-${parent}`) });
        } catch (e) {
          // Too little text for a model of its own (empty after the rules, K above the vocabulary): one sub-topic.
          if (!(e instanceof OptionsError)) throw e;
        }
      }
      if (!result) {
        for (const d of group) labels.set(d.id, { parent, topic: 0, score: 1, method: 'prior' });
        topicRows.push({ parent, topic: 0, words: [] });
        ks.push(1);
        continue;
      }
      addDropped(result.dropped);
      if (result.sweep) sweeps[String(parent)] = result.sweep;
      for (const [id, l] of result.labels) labels.set(id, { ...l, parent });
      keepModel(result.model, parent, `second-${parent}`, result.report.resumedFrom);
      ks.push(result.model.K);
    }
    chosenK = ks;
  } else {
    const result = await labelDocuments(docs, { ...label, checkpointDir: checkpoints });
    addDropped(result.dropped);
    for (const [id, l] of result.labels) labels.set(id, { ...l, parent: -1 });
    keepModel(result.model, -1, o.level, result.report.resumedFrom);
    sweep = result.sweep;
    chosenK = result.model.K;
    if (sweep) {
      const file = ws.artifactPath('topics', `${o.level}-sweep.json`);
      saveSweep(sweep, file);
      artifacts.push(file);
    }
  }

  const summary = writeLabels(ws, o.level, labels, topicRows);
  const out: TopicSummary = {
    ...summary, level: o.level, numDocs: docs.length, chosenK, dropped, ...(sweep ? { sweep } : {}), ...(Object.keys(sweeps).length ? { sweeps } : {}),
    digest: topicStageDigest(ws.db, o.level, ws.dir, modelFiles),
    ...(Object.keys(resumedFrom).length ? { resumedFrom } : {}),
  };
  ws.recordStage(stage, params, digest, CODE(), { ...out, topics: out.topics.slice(0, 1000) }, { artifacts: [...artifacts, ...modelFiles] });
  // Recorded: the checkpoints have done their job.
  rmSync(checkpoints, { recursive: true, force: true });
  return out;
}

/** SHA-256 over the documents (streamed: no argument list as long as the corpus). */
function digestDocs(docs: readonly { id: string; text: string; parent?: number }[]): string {
  const h = createHash('sha256');
  for (const d of docs) h.update(d.id).update('\0').update(d.text).update('\0').update(String(d.parent ?? '')).update('\0');
  return h.digest('hex');
}

function labelOf(level: TopicLevel, parent: number, topic: number): string {
  return level === 'second' ? `${parent}.${topic}` : String(topic);
}

function readDocs(ws: Workspace, level: TopicLevel): { id: string; text: string; parent?: number }[] {
  if (level === 'document') {
    return ws.db.prepare('SELECT report_id AS id, text FROM reports ORDER BY report_id').all() as { id: string; text: string }[];
  }
  if (level === 'sentence') {
    const rows = ws.db.prepare('SELECT id, sentence, prev_sentence, next_sentence FROM refs ORDER BY id').all() as
      { id: number; sentence: string; prev_sentence: string | null; next_sentence: string | null }[];
    return rows.map((r) => ({ id: String(r.id), text: [r.prev_sentence, r.sentence, r.next_sentence].filter(Boolean).join(' ') }));
  }
  const n = (ws.db.prepare("SELECT COUNT(*) AS n FROM topic_docs WHERE level = 'document'").get() as { n: number }).n;
  if (n === 0) throw new MissingStageError('the second level trains inside document-level topics', { stage: 'topics', level: 'document' });
  return ws.db.prepare(`SELECT r.report_id AS id, r.text, t.topic AS parent FROM reports r
    JOIN topic_docs t ON t.level = 'document' AND t.doc_id = r.report_id ORDER BY r.report_id`).all() as { id: string; text: string; parent: number }[];
}

function writeLabels(ws: Workspace, level: TopicLevel, labels: Map<string, DocLabel & { parent: number }>, topicRows: TopicRow[]): Omit<TopicSummary, 'level' | 'numDocs' | 'dropped' | 'digest'> {
  const db = ws.db;
  const methods: Record<string, number> = {};
  const docCount = new Map<string, number>();
  const imageCount = new Map<string, number>();
  let numImages = 0;
  db.transaction(() => {
    db.prepare('DELETE FROM topic_docs WHERE level = ?').run(level);
    db.prepare('DELETE FROM topic_labels WHERE level = ?').run(level);
    db.prepare('DELETE FROM topics WHERE level = ?').run(level);
    const insDoc = db.prepare('INSERT INTO topic_docs (level, doc_id, parent, topic, score, method) VALUES (?, ?, ?, ?, ?, ?)');
    for (const [id, l] of labels) {
      insDoc.run(level, id, l.parent, l.topic, l.score, l.method);
      methods[l.method] = (methods[l.method] ?? 0) + 1;
      const lab = labelOf(level, l.parent, l.topic);
      docCount.set(lab, (docCount.get(lab) ?? 0) + 1);
    }
    // Key images take the label of their report (document, second level) or of their reference's window (sentence level).
    const join = level === 'sentence' ? 'CAST(k.ref_id AS TEXT)' : 'k.report_id';
    const res = db.prepare(`INSERT INTO topic_labels (key_image_id, level, parent, topic, label, score)
      SELECT k.id, t.level, t.parent, t.topic, CASE WHEN t.level = 'second' THEN t.parent || '.' || t.topic ELSE CAST(t.topic AS TEXT) END, t.score
      FROM key_images k JOIN topic_docs t ON t.level = ? AND t.doc_id = ${join}`).run(level);
    numImages = res.changes;
    for (const r of db.prepare('SELECT label, COUNT(*) AS n FROM topic_labels WHERE level = ? GROUP BY label').all(level) as { label: string; n: number }[]) {
      imageCount.set(r.label, r.n);
    }
    const insTopic = db.prepare('INSERT INTO topics (level, parent, topic, label, top_words, num_docs, num_images) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const t of topicRows) {
      const lab = labelOf(level, t.parent, t.topic);
      insTopic.run(level, t.parent, t.topic, lab, JSON.stringify(t.words), docCount.get(lab) ?? 0, imageCount.get(lab) ?? 0);
    }
  })();
  const topics = topicRows.map((t) => {
    const lab = labelOf(level, t.parent, t.topic);
    return { label: lab, numDocs: docCount.get(lab) ?? 0, numImages: imageCount.get(lab) ?? 0, topWords: t.words };
  });
  const largest = Math.max(0, ...imageCount.values());
  return { numTopics: topicRows.length, numImages, methods, largestTopicImageShare: numImages ? largest / numImages : 0, topics };
}
