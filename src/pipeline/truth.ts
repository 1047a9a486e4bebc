/**
 * Scoring against the synthetic archive's ground truth (`truth.jsonl`): how well the
 * document-level topics recover the generator's study categories (normalised mutual information
 * between each report's argmax topic and its true category), and how many of the true key images
 * the links reach, with how many wrong links.
 */
import { readFileSync } from 'node:fs';
import type { Workspace } from '../store/workspace.js';
import { normalizedMutualInformation } from '../topics/nmi.js';
import { FormatError } from '../util/errors.js';
import { readTruthImageWords } from '../keywords/truth.js';

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

export interface LinkTruthScore {
  /** Ground-truth key images (report, instance): what the references point at, or the KOS bookmarks where the report cites none. */
  keyImages: number;
  /** Of those, linked to their report. */
  linked: number;
  /** Links to an instance the ground truth does not give that report: must stay 0. */
  wrong: number;
  /** linked / keyImages. */
  share: number;
  /** The same for the key images of reports that cite images, and of reports that cite none (bookmarked only). */
  cited: { keyImages: number; linked: number };
  bookmarkedOnly: { keyImages: number; linked: number };
}

/** Scores the workspace's links (any method but collection captions) against the synthetic archive's ground truth. */
export function scoreLinksAgainstTruth(ws: Workspace, truthJsonl: string): LinkTruthScore {
  const truth = new Map<string, { pairs: Set<string>; cites: boolean }>();
  readFileSync(truthJsonl, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { reportId?: unknown; keyImages?: Array<{ sopInstanceUid?: unknown }>; references?: unknown[] };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch (error) {
      throw new FormatError(`${truthJsonl}:line ${i + 1}: not JSON`, { cause: error });
    }
    if (typeof rec.reportId !== 'string' || !Array.isArray(rec.keyImages)) throw new FormatError(`${truthJsonl}:line ${i + 1}: no reportId/keyImages`);
    const pairs = new Set(rec.keyImages.map((k) => k.sopInstanceUid).filter((u): u is string => typeof u === 'string'));
    truth.set(rec.reportId, { pairs, cites: Array.isArray(rec.references) && rec.references.length > 0 });
  });
  const links = ws.db.prepare(`SELECT DISTINCT k.report_id AS reportId, l.sop_instance_uid AS sop FROM links l
    JOIN key_images k ON k.id = l.key_image_id WHERE l.method <> 'caption'`).all() as Array<{ reportId: string; sop: string }>;
  const found = new Set<string>();
  let wrong = 0;
  for (const l of links) {
    const t = truth.get(l.reportId);
    if (t?.pairs.has(l.sop)) found.add(`${l.reportId}\u0000${l.sop}`);
    else wrong++;
  }
  const cited = { keyImages: 0, linked: 0 };
  const bookmarkedOnly = { keyImages: 0, linked: 0 };
  for (const [reportId, t] of truth) {
    const bucket = t.cites ? cited : bookmarkedOnly;
    for (const sop of t.pairs) {
      bucket.keyImages++;
      if (found.has(`${reportId}\u0000${sop}`)) bucket.linked++;
    }
  }
  const keyImages = cited.keyImages + bookmarkedOnly.keyImages;
  const linked = cited.linked + bookmarkedOnly.linked;
  return { keyImages, linked, wrong, share: keyImages ? linked / keyImages : 0, cited, bookmarkedOnly };
}

/** A synthetic archive's ground truth per key image (SOP instance UID), as the stages that score against it take it. */
export interface ArchiveTruth {
  /** The image's study category: what `evaluateLevel` and `trainChain` score the networks' labels against (option `truth`). */
  categories: Map<string, string>;
  /** The image's finding words: what `evaluateKeywords` scores the keywords against (option `truth`). */
  words: Map<string, string[]>;
}

/** Reads the truth.jsonl that `generateArchive` writes beside the archive. */
export function readArchiveTruth(truthJsonl: string): ArchiveTruth {
  return { categories: readTruthImageCategories(truthJsonl), words: readTruthImageWords(truthJsonl) };
}
