/**
 * A clinician's review of the topic labels, kept in the workspace (table review_actions, who and
 * when with every action) and applied by the next `pacsmine dataset` run:
 *
 * - rename a topic: its name in the dataset summary (the label, the networks' class id, stays);
 * - merge a topic into another: its images take the other's label;
 * - reject a topic: its images leave the level's dataset;
 * - relabel an image: the image takes the given label at that level.
 *
 * The latest action on a target wins (a second rename replaces the first; merging a topic again
 * redirects it). An image's own label comes first, then merges are followed (A → B → C, a cycle
 * stops where it closes), then a rejected final topic drops the image.
 */
import type { Workspace } from '../store/workspace.js';
import { OptionsError } from '../util/errors.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';

export const REVIEW_SCHEMA = `
CREATE TABLE IF NOT EXISTS review_actions (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,         -- ISO time the reviewer acted
  who TEXT NOT NULL,        -- the reviewer
  action TEXT NOT NULL,     -- 'rename' | 'merge' | 'reject' | 'relabel'
  level TEXT NOT NULL,      -- 'document' | 'second' | 'sentence'
  target TEXT NOT NULL,     -- a topic label (rename, merge, reject) or an image's SOP instance UID (relabel)
  value TEXT                -- the new name (rename), the topic merged into (merge), the right label (relabel); NULL for reject
);
`;

export const REVIEW_ACTIONS = ['rename', 'merge', 'reject', 'relabel'] as const;
export type ReviewActionKind = (typeof REVIEW_ACTIONS)[number];

export interface ReviewActionInput {
  action: ReviewActionKind;
  level: TopicLevel;
  target: string;
  value?: string | null;
  who: string;
}

export interface ReviewAction extends Required<ReviewActionInput> {
  id: number;
  at: string;
}

/** What the latest actions decide at one level. */
export interface ReviewDecisions {
  names: Map<string, string>;
  mergedInto: Map<string, string>;
  rejected: Set<string>;
  relabelled: Map<string, string>;
  /** Decisions in force (one per target and kind). */
  count: number;
}

const hasTable = (ws: Workspace, name: string): boolean =>
  (ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) as number) > 0;

/** The labels a level's topics have, from the topic stage's table. */
function topicLabels(ws: Workspace, level: TopicLevel): Set<string> {
  if (!hasTable(ws, 'topics')) return new Set();
  return new Set(ws.db.prepare('SELECT label FROM topics WHERE level = ?').pluck().all(level) as string[]);
}

/** Checks an action against the workspace and stores it; returns the stored row. */
export function recordReviewAction(ws: Workspace, input: ReviewActionInput, at = new Date()): ReviewAction {
  const { action, level, target } = input;
  if (!REVIEW_ACTIONS.includes(action)) throw new OptionsError(`unknown review action '${String(action)}': one of ${REVIEW_ACTIONS.join(', ')}`);
  if (!TOPIC_LEVELS.includes(level)) throw new OptionsError(`level must be one of ${TOPIC_LEVELS.join(', ')}`);
  const who = String(input.who ?? '').trim().slice(0, 64);
  if (who === '') throw new OptionsError('a review action needs the reviewer\'s name');
  const labels = topicLabels(ws, level);
  let value: string | null = input.value === undefined || input.value === null ? null : String(input.value).trim();
  if (action === 'relabel') {
    const known = hasTable(ws, 'key_image_png') && ws.db.prepare('SELECT 1 FROM key_image_png WHERE sop_instance_uid = ?').get(target) !== undefined;
    if (!known) throw new OptionsError('no such key image');
    if (value === null || !labels.has(value)) throw new OptionsError(`the right label must be a ${level}-level topic`);
  } else {
    if (!labels.has(target)) throw new OptionsError(`no ${level}-level topic with that label`);
    if (action === 'rename') {
      if (value === null || value === '' || value.length > 120) throw new OptionsError('a new name of 1 to 120 characters');
    } else if (action === 'merge') {
      if (value === null || !labels.has(value) || value === target) throw new OptionsError(`merge into another ${level}-level topic`);
    } else value = null;
  }
  ws.db.exec(REVIEW_SCHEMA);
  const when = at.toISOString();
  const id = Number(ws.db.prepare('INSERT INTO review_actions (at, who, action, level, target, value) VALUES (?, ?, ?, ?, ?, ?)')
    .run(when, who, action, level, target, value).lastInsertRowid);
  return { id, at: when, who, action, level, target, value };
}

/** Every stored action, oldest first. */
export function listReviewActions(ws: Workspace): ReviewAction[] {
  if (!hasTable(ws, 'review_actions')) return [];
  return ws.db.prepare('SELECT id, at, who, action, level, target, value FROM review_actions ORDER BY id').all() as ReviewAction[];
}

/** The decisions in force at `level`: the latest action per kind and target. */
export function reviewDecisions(ws: Workspace, level: TopicLevel): ReviewDecisions {
  const d: ReviewDecisions = { names: new Map(), mergedInto: new Map(), rejected: new Set(), relabelled: new Map(), count: 0 };
  for (const a of listReviewActions(ws)) {
    if (a.level !== level) continue;
    if (a.action === 'rename') d.names.set(a.target, String(a.value));
    else if (a.action === 'merge') d.mergedInto.set(a.target, String(a.value));
    else if (a.action === 'reject') d.rejected.add(a.target);
    else if (a.action === 'relabel') d.relabelled.set(a.target, String(a.value));
  }
  d.count = d.names.size + d.mergedInto.size + d.rejected.size + d.relabelled.size;
  return d;
}

/** Where a label ends after following merges (a cycle stops where it would repeat). */
export function resolveLabel(d: ReviewDecisions, label: string): string {
  const seen = new Set<string>([label]);
  let cur = label;
  for (let next = d.mergedInto.get(cur); next !== undefined && !seen.has(next); next = d.mergedInto.get(cur)) {
    seen.add(next);
    cur = next;
  }
  return cur;
}

export interface AppliedReview {
  /** Decisions in force at the level. */
  applied: number;
  /** Images whose label changed (relabelled or merged). */
  relabelledImages: number;
  /** Images left out with a rejected topic. */
  rejectedImages: number;
  /** Topic names given by reviewers, by label. */
  names: Record<string, string>;
}

/**
 * Applies the level's decisions to its labelled images (`pacsmine dataset`): returns the images
 * with their reviewed labels, rejected ones left out, and what was applied.
 */
export function applyReviewDecisions<T extends { sop: string; label: string | null }>(ws: Workspace, level: TopicLevel, rows: readonly T[]): { rows: T[]; review: AppliedReview } {
  const d = reviewDecisions(ws, level);
  const review: AppliedReview = { applied: d.count, relabelledImages: 0, rejectedImages: 0, names: Object.fromEntries(d.names) };
  if (d.count === 0) return { rows: [...rows], review };
  const out: T[] = [];
  for (const r of rows) {
    if (r.label === null && !d.relabelled.has(r.sop)) {
      out.push(r);
      continue;
    }
    const label = resolveLabel(d, d.relabelled.get(r.sop) ?? r.label!);
    if (d.rejected.has(label)) {
      review.rejectedImages++;
      continue;
    }
    if (label !== r.label) review.relabelledImages++;
    out.push(label === r.label ? r : { ...r, label });
  }
  return { rows: out, review };
}
