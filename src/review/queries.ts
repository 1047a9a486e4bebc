/**
 * What the review pages show, read from the workspace: topics with their reviewed state, a topic's
 * images and its split at the next level down, an image's labels, keywords and sentence. Text is
 * only ever the de-identified kind (reports.text and what was cut from it: refs sentences), never
 * reports_raw. Images are named by id (SOP instance UID); a file is found only through the
 * key_image_png table, inside the workspace (src/report/images.ts).
 */
import type { Workspace } from '../store/workspace.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { reviewDecisions, resolveLabel, listReviewActions, type ReviewAction, type ReviewDecisions } from '../datasets/review-decisions.js';
import { fileInside } from '../report/images.js';
import { tableExists } from '../report/section.js';

export interface TopicCard {
  level: TopicLevel;
  label: string;
  /** The reviewer's name for it, if renamed. */
  name: string | null;
  numDocs: number;
  numImages: number;
  topWords: string[];
  /** A few key images (ids), highest topic share first. */
  sample: string[];
  rejected: boolean;
  /** The topic it was merged into (after following merges), if merged. */
  mergedInto: string | null;
}

export interface TopicDetail extends TopicCard {
  /** Its key images (ids), highest topic share first, up to the limit; `imageCount` counts all. */
  images: string[];
  imageCount: number;
  /** Its images' topics at the next level down, largest first (none at the sentence level). */
  next: { level: TopicLevel; topics: Array<{ label: string; name: string | null; images: number }> } | null;
}

export interface ImageDetail {
  id: string;
  labels: Array<{ level: TopicLevel; label: string; name: string | null; score: number; reviewed: string | null }>;
  keywords: Array<{ level: string; topic: string; keyword: string | null; cosine: number | null }>;
  /** The key sentence (de-identified), the reference inside it ([start, end) or null), its neighbours. */
  sentence: string;
  highlight: [number, number] | null;
  previous: string | null;
  next: string | null;
  /** The study's other key images (same report). */
  study: string[];
  /** Review actions on this image. */
  reviews: ReviewAction[];
}

export const isLevel = (x: unknown): x is TopicLevel => typeof x === 'string' && (TOPIC_LEVELS as readonly string[]).includes(x);

const ready = (ws: Workspace): boolean => tableExists(ws, 'topics') && tableExists(ws, 'topic_labels') && tableExists(ws, 'key_image_png');

function reviewState(d: ReviewDecisions, label: string): Pick<TopicCard, 'name' | 'rejected' | 'mergedInto'> {
  const end = resolveLabel(d, label);
  return { name: d.names.get(label) ?? null, rejected: d.rejected.has(end), mergedInto: end === label ? null : end };
}

/** Key images (ids) of a topic, highest θ first, then by id. */
function topicImages(ws: Workspace, level: TopicLevel, label: string, limit: number): string[] {
  return ws.db.prepare(`SELECT l.sop_instance_uid FROM topic_labels t JOIN links l ON l.key_image_id = t.key_image_id
    JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid WHERE t.level = ? AND t.label = ?
    GROUP BY l.sop_instance_uid ORDER BY MAX(t.score) DESC, l.sop_instance_uid LIMIT ?`).pluck().all(level, label, limit) as string[];
}

export function listTopics(ws: Workspace, level: TopicLevel, sample = 6): TopicCard[] {
  if (!ready(ws)) return [];
  const d = reviewDecisions(ws, level);
  const rows = ws.db.prepare('SELECT label, top_words AS words, num_docs AS docs, num_images AS images FROM topics WHERE level = ? ORDER BY num_images DESC, label')
    .all(level) as Array<{ label: string; words: string; docs: number; images: number }>;
  return rows.map((r) => ({
    level, label: r.label, numDocs: r.docs, numImages: r.images, topWords: (JSON.parse(r.words) as string[]).slice(0, 20),
    sample: topicImages(ws, level, r.label, sample), ...reviewState(d, r.label),
  }));
}

export function topicDetail(ws: Workspace, level: TopicLevel, label: string, limit = 5000): TopicDetail | undefined {
  if (!ready(ws)) return undefined;
  const r = ws.db.prepare('SELECT top_words AS words, num_docs AS docs, num_images AS images FROM topics WHERE level = ? AND label = ?').get(level, label) as
    { words: string; docs: number; images: number } | undefined;
  if (!r) return undefined;
  const d = reviewDecisions(ws, level);
  const images = topicImages(ws, level, label, limit);
  const imageCount = ws.db.prepare(`SELECT COUNT(DISTINCT l.sop_instance_uid) FROM topic_labels t JOIN links l ON l.key_image_id = t.key_image_id
    JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid WHERE t.level = ? AND t.label = ?`).pluck().get(level, label) as number;
  const below = TOPIC_LEVELS[TOPIC_LEVELS.indexOf(level) + 1];
  let next: TopicDetail['next'] = null;
  if (below) {
    const dn = reviewDecisions(ws, below);
    const rows = ws.db.prepare(`SELECT t2.label AS label, COUNT(DISTINCT l.sop_instance_uid) AS n FROM topic_labels t1
      JOIN topic_labels t2 ON t2.key_image_id = t1.key_image_id AND t2.level = ? JOIN links l ON l.key_image_id = t1.key_image_id
      WHERE t1.level = ? AND t1.label = ? GROUP BY t2.label ORDER BY n DESC, t2.label`).all(below, level, label) as Array<{ label: string; n: number }>;
    next = { level: below, topics: rows.map((x) => ({ label: x.label, name: dn.names.get(x.label) ?? null, images: x.n })) };
  }
  return {
    level, label, numDocs: r.docs, numImages: r.images, topWords: JSON.parse(r.words) as string[], sample: images.slice(0, 6),
    ...reviewState(d, label), images, imageCount, next,
  };
}

export function imageDetail(ws: Workspace, id: string): ImageDetail | undefined {
  if (!tableExists(ws, 'key_image_png') || ws.db.prepare('SELECT 1 FROM key_image_png WHERE sop_instance_uid = ?').get(id) === undefined) return undefined;
  const key = ws.db.prepare('SELECT MIN(key_image_id) FROM links WHERE sop_instance_uid = ?').pluck().get(id) as number | null;
  const labels: ImageDetail['labels'] = [];
  if (key !== null && tableExists(ws, 'topic_labels')) {
    for (const level of TOPIC_LEVELS) {
      const t = ws.db.prepare('SELECT label, score FROM topic_labels WHERE key_image_id = ? AND level = ?').get(key, level) as { label: string; score: number } | undefined;
      if (!t) continue;
      const d = reviewDecisions(ws, level);
      const reviewedTo = resolveLabel(d, d.relabelled.get(id) ?? t.label);
      labels.push({ level, label: t.label, name: d.names.get(t.label) ?? null, score: t.score, reviewed: reviewedTo === t.label ? null : reviewedTo });
    }
  }
  const ref = key === null ? undefined : ws.db.prepare(`SELECT r.sentence AS sentence, r.text AS text, r.prev_sentence AS prev, r.next_sentence AS next, k.report_id AS report
    FROM key_images k LEFT JOIN refs r ON r.id = k.ref_id WHERE k.id = ?`).get(key) as { sentence: string | null; text: string | null; prev: string | null; next: string | null; report: string } | undefined;
  const sentence = ref?.sentence ?? '';
  const at = ref?.text ? sentence.indexOf(ref.text) : -1;
  const study = ref ? ws.db.prepare(`SELECT DISTINCT l.sop_instance_uid FROM key_images k JOIN links l ON l.key_image_id = k.id
    JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid WHERE k.report_id = ? AND l.sop_instance_uid <> ? ORDER BY l.sop_instance_uid`).pluck().all(ref.report, id) as string[] : [];
  const keywords = tableExists(ws, 'image_keywords')
    ? (ws.db.prepare('SELECT level, topic, keyword, cosine FROM image_keywords WHERE sop_instance_uid = ?').all(id) as ImageDetail['keywords'])
      .sort((a, b) => TOPIC_LEVELS.indexOf(a.level as TopicLevel) - TOPIC_LEVELS.indexOf(b.level as TopicLevel))
    : [];
  return {
    id, labels, keywords, sentence, highlight: at >= 0 ? [at, at + ref!.text!.length] : null, previous: ref?.prev ?? null, next: ref?.next ?? null,
    study, reviews: listReviewActions(ws).filter((a) => a.action === 'relabel' && a.target === id),
  };
}

/** The PNG of a key image: its recorded path, when it lies inside the workspace; undefined for an unknown id. */
export function imageFile(ws: Workspace, id: string): string | undefined {
  if (!tableExists(ws, 'key_image_png')) return undefined;
  const recorded = ws.db.prepare('SELECT path FROM key_image_png WHERE sop_instance_uid = ?').pluck().get(id) as string | undefined;
  return recorded === undefined ? undefined : fileInside(ws.dir, recorded);
}
