/**
 * Digests of what the topic stage produced — the rows it wrote and the models it saved, never
 * timings — so that two runs can be compared with one string (`pacsmine topics --json`
 * prints it): the same inputs, options, seed and worker count give the same digest, whether
 * the run went straight through or was killed and resumed from its checkpoints.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../store/workspace.js';
import { sha256FileSync } from '../store/artifacts.js';
import type { LdaModel } from './model.js';

/**
 * sha256 over a level's rows (topic_docs, topic_labels, topics, in key order) and the model
 * files it saved (named relative to `root`, so that two workspaces compare equal).
 */
export function topicStageDigest(db: Db, level: string, root: string, modelFiles: readonly string[]): string {
  const h = createHash('sha256');
  const rows = (sql: string): void => {
    h.update(`${sql}\n`);
    for (const r of db.prepare(sql).raw().iterate(level) as Iterable<unknown[]>) h.update(`${JSON.stringify(r)}\n`);
  };
  rows('SELECT doc_id, parent, topic, score, method FROM topic_docs WHERE level = ? ORDER BY doc_id');
  rows('SELECT key_image_id, parent, topic, label, score FROM topic_labels WHERE level = ? ORDER BY key_image_id');
  rows('SELECT parent, topic, label, top_words, num_docs, num_images FROM topics WHERE level = ? ORDER BY parent, topic');
  for (const f of [...modelFiles].map((f) => path.relative(root, f).split(path.sep).join('/')).sort()) {
    h.update(`${f} ${sha256FileSync(path.join(root, f))}\n`);
  }
  return h.digest('hex');
}

/** sha256 over labels (in id order) and a model's arrays: the digest of a `--input` run, which writes no rows. */
export function labelsDigest(labels: ReadonlyMap<string, { topic: number; score: number; method: string }>, model: LdaModel): string {
  const h = createHash('sha256');
  for (const id of [...labels.keys()].sort()) h.update(`${JSON.stringify([id, labels.get(id)])}\n`);
  h.update(JSON.stringify(model.vocab)).update('\n');
  const c = model.counts;
  for (const a of [model.alpha, c.wtOffsets, c.wtTopics, c.wtCounts, c.nk, model.docTopics.offsets, model.docTopics.topics, model.docTopics.counts]) {
    h.update(`${a.length}|`).update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}
