/**
 * Scoring against the synthetic archive's ground truth (`truth.jsonl`): how well the
 * document-level topics recover the generator's study categories (normalised mutual information
 * between each report's argmax topic and its true category).
 */
import { readFileSync } from 'node:fs';
import type { Workspace } from '../store/workspace.js';
import { normalizedMutualInformation } from '../topics/nmi.js';
import { FormatError } from '../util/errors.js';

export interface TopicTruthScore {
  nmi: number;
  documents: number;
  categories: number;
  topics: number;
}

/** Report id -> category, from the generator's ground-truth file. */
export function readTruthCategories(truthJsonl: string): Map<string, string> {
  const out = new Map<string, string>();
  readFileSync(truthJsonl, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { reportId?: unknown; category?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch (error) {
      throw new FormatError(`${truthJsonl}:line ${i + 1}: not JSON`, { cause: error });
    }
    if (typeof rec.reportId !== 'string' || typeof rec.category !== 'string') throw new FormatError(`${truthJsonl}:line ${i + 1}: no reportId/category`);
    out.set(rec.reportId, rec.category);
  });
  return out;
}

export function scoreTopicsAgainstTruth(ws: Workspace, truthJsonl: string): TopicTruthScore {
  const truth = readTruthCategories(truthJsonl);
  const rows = ws.db.prepare("SELECT doc_id AS id, topic FROM topic_docs WHERE level = 'document' ORDER BY doc_id").all() as Array<{ id: string; topic: number }>;
  const cats = new Map<string, number>();
  const topicIds: number[] = [];
  const catIds: number[] = [];
  for (const r of rows) {
    const c = truth.get(r.id);
    if (c === undefined) continue;
    if (!cats.has(c)) cats.set(c, cats.size);
    topicIds.push(r.topic);
    catIds.push(cats.get(c) as number);
  }
  return {
    nmi: normalizedMutualInformation(Int32Array.from(topicIds), Int32Array.from(catIds)),
    documents: topicIds.length,
    categories: cats.size,
    topics: new Set(topicIds).size,
  };
}

/**
 * Key image (SOP instance UID) -> its study's category, from the ground-truth file: what the
 * networks' predictions are scored against (src/evaluation/evaluate.ts truthScore).
 */
export function readTruthImageCategories(truthJsonl: string): Map<string, string> {
  const out = new Map<string, string>();
  readFileSync(truthJsonl, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { category?: unknown; keyImages?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch (error) {
      throw new FormatError(`${truthJsonl}:line ${i + 1}: not JSON`, { cause: error });
    }
    if (typeof rec.category !== 'string' || !Array.isArray(rec.keyImages)) throw new FormatError(`${truthJsonl}:line ${i + 1}: no category/keyImages`);
    for (const k of rec.keyImages as Array<{ sopInstanceUid?: unknown }>) if (typeof k.sopInstanceUid === 'string') out.set(k.sopInstanceUid, rec.category);
  });
  return out;
}
