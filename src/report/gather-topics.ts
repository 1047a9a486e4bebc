/**
 * The topic sections (Figure 2, Figures 3/4): the `topics:<level>` stage record's summary — what
 * `pacsmine topics --level L --json` printed — with a few key images per topic from the labels the
 * stage wrote.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import type { TopicLevel, TopicSummary } from '../topics/stage.js';
import type { SweepResult } from '../topics/select.js';
import { notRun, tableExists, type Section } from './section.js';
import type { GatherOptions } from './report-data.js';

/** A key image the page shows: its id (SOP instance UID) and its PNG, relative to the workspace. */
export interface ImageRef {
  id: string;
  path: string;
}

export interface TopicRow {
  label: string;
  numDocs: number;
  numImages: number;
  topWords: string[];
  /** Sample key images, highest topic share first (only for the largest topics). */
  images: ImageRef[];
}

export interface TopicLevelReport {
  level: TopicLevel;
  numDocs: number;
  numTopics: number;
  numImages: number;
  chosenK: number | number[] | null;
  largestTopicImageShare: number;
  /** The K sweep of a single model (document, sentence level). */
  sweep: SweepResult | null;
  /** Second level: one sweep per document-level topic that had a model of its own. */
  sweeps: Record<string, SweepResult>;
  topics: TopicRow[];
  digest: string;
}

/** Up to `n` key images per topic label at `level`, highest θ first, then by id. */
export function sampleTopicImages(ws: Workspace, level: TopicLevel, n: number, labels?: readonly string[]): Map<string, ImageRef[]> {
  const out = new Map<string, ImageRef[]>();
  if (!tableExists(ws, 'key_image_png') || !tableExists(ws, 'topic_labels') || n <= 0) return out;
  const only = labels ? new Set(labels) : undefined;
  const rows = ws.db.prepare(`
    SELECT label, sop, path FROM (
      SELECT label, sop, path, ROW_NUMBER() OVER (PARTITION BY label ORDER BY score DESC, sop) AS rn FROM (
        SELECT t.label AS label, p.sop_instance_uid AS sop, p.path AS path, MAX(t.score) AS score
        FROM topic_labels t JOIN links l ON l.key_image_id = t.key_image_id JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid
        WHERE t.level = ? GROUP BY t.label, p.sop_instance_uid))
    WHERE rn <= ? ORDER BY label, rn`).all(level, n) as Array<{ label: string; sop: string; path: string }>;
  for (const r of rows) {
    if (only && !only.has(r.label)) continue;
    const list = out.get(r.label) ?? [];
    list.push({ id: r.sop, path: path.relative(ws.dir, r.path) });
    out.set(r.label, list);
  }
  return out;
}

export function gatherTopics(ws: Workspace, level: TopicLevel, o: GatherOptions = {}): Section<TopicLevelReport> {
  const record = ws.stageRecord(`topics:${level}`);
  if (!record) return notRun(`no ${level}-level topics: run \`pacsmine topics --level ${level} --sweep K1,K2,...\``);
  const s = record.summary as TopicSummary & { sweeps?: Record<string, SweepResult> };
  const withImages = [...s.topics].sort((a, b) => b.numImages - a.numImages || (a.label < b.label ? -1 : 1)).slice(0, o.topicsWithImages ?? 40).map((t) => t.label);
  const images = sampleTopicImages(ws, level, o.imagesPerTopic ?? 6, withImages);
  return {
    status: 'ok',
    level,
    numDocs: s.numDocs,
    numTopics: s.numTopics,
    numImages: s.numImages,
    chosenK: s.chosenK ?? null,
    largestTopicImageShare: s.largestTopicImageShare,
    sweep: s.sweep ?? null,
    sweeps: s.sweeps ?? {},
    topics: s.topics.map((t) => ({ label: t.label, numDocs: t.numDocs, numImages: t.numImages, topWords: t.topWords, images: images.get(t.label) ?? [] })),
    digest: s.digest,
  };
}
