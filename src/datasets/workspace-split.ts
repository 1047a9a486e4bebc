/**
 * The workspace's one split (stage `dataset:split`): every key-image PNG, grouped by the cases
 * (reports) that point at it and the patients known for it (the report's patient, the DICOM
 * header's, a collection's), each group in one split. Made once per (fractions, seed, image set)
 * and kept in `dataset_splits`, so all three levels share it.
 */
import { createHash } from 'node:crypto';
import type { Workspace } from '../store/workspace.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { DATASETS_SCHEMA } from './schema.js';
import { assignGroups, checkFractions, groupByKeys, PAPER_FRACTIONS, type SplitFractions, type SplitName } from './split.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('datasets', 'store', 'util');

export const SPLIT_STAGE = 'dataset:split';

export interface SplitSummary {
  fractions: SplitFractions;
  seed: number;
  images: Record<SplitName, number>;
  groups: Record<SplitName, number>;
  /** True when the groups hold patient ids (else cases only). */
  patientsKnown: boolean;
  /** Images of the largest group (how coarse the split can be). */
  largestGroup: number;
  upToDate?: boolean;
}

interface ImageKeys {
  sop: string;
  keys: string[];
}

/** Every key-image PNG with the case and patient keys that tie it to others. */
function imageKeys(ws: Workspace): ImageKeys[] {
  const present = ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('key_image_png', 'collection_images')").pluck().all() as string[];
  if (!present.includes('key_image_png')) throw new MissingStageError('a dataset needs converted key images', { stage: 'convert' });
  const collectionPatient = present.includes('collection_images')
    ? 'UNION SELECT sop_instance_uid, \'patient:\' || patient_id FROM collection_images WHERE patient_id IS NOT NULL AND patient_id != \'\''
    : '';
  const rows = ws.db.prepare(`
    SELECT sop, key FROM (
      SELECT l.sop_instance_uid AS sop, 'case:' || k.report_id AS key
        FROM links l JOIN key_images k ON k.id = l.key_image_id
      UNION SELECT l.sop_instance_uid, 'patient:' || r.patient_id
        FROM links l JOIN key_images k ON k.id = l.key_image_id JOIN reports r ON r.report_id = k.report_id
        WHERE r.patient_id IS NOT NULL AND r.patient_id != ''
      UNION SELECT sop_instance_uid, 'patient:' || patient_id FROM images WHERE patient_id IS NOT NULL AND patient_id != ''
      ${collectionPatient}
    ) WHERE sop IN (SELECT sop_instance_uid FROM key_image_png)
    ORDER BY sop, key`).all() as Array<{ sop: string; key: string }>;
  const out: ImageKeys[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last?.sop === r.sop) last.keys.push(r.key);
    else out.push({ sop: r.sop, keys: [r.key] });
  }
  return out;
}

/** Makes (or reuses) the split for these fractions and seed; returns its summary. */
export function ensureSplit(ws: Workspace, options: { fractions?: SplitFractions; seed?: number; force?: boolean } = {}): SplitSummary {
  ws.db.exec(DATASETS_SCHEMA);
  const fractions = checkFractions(options.fractions ?? PAPER_FRACTIONS);
  const seed = options.seed ?? 1;
  const images = imageKeys(ws).filter((i) => i.keys.length > 0);
  if (images.length === 0) throw new OptionsError('no linked key-image PNGs in the workspace to split');
  const hash = createHash('sha256');
  for (const i of images) hash.update(i.sop).update('\0').update(i.keys.join('\u0001')).update('\n');
  const digest = hash.digest('hex');
  const params = { fractions, seed };
  if (!options.force && ws.isUpToDate(SPLIT_STAGE, params, digest, CODE())) {
    return { ...(ws.stageRecord(SPLIT_STAGE)!.summary as SplitSummary), upToDate: true };
  }
  const groupOf = groupByKeys(images.map((i) => i.keys));
  const sizes = new Map<string, number>();
  for (const g of groupOf) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const splitOf = assignGroups(sizes, fractions, seed);
  const summary: SplitSummary = {
    fractions, seed,
    images: { train: 0, validation: 0, test: 0 },
    groups: { train: 0, validation: 0, test: 0 },
    patientsKnown: images.some((i) => i.keys.some((k) => k.startsWith('patient:'))),
    largestGroup: Math.max(...sizes.values()),
  };
  for (const s of splitOf.values()) summary.groups[s]++;
  const insert = ws.db.prepare('INSERT INTO dataset_splits (sop_instance_uid, group_key, split) VALUES (?, ?, ?)');
  ws.db.transaction(() => {
    ws.db.exec('DELETE FROM dataset_splits');
    images.forEach((img, i) => {
      const s = splitOf.get(groupOf[i]!)!;
      summary.images[s]++;
      insert.run(img.sop, groupOf[i]!, s);
    });
    // The record lists no files: the split lives in the table, and the digest covers its input.
    ws.recordStage(SPLIT_STAGE, params, digest, CODE(), summary);
  })();
  return summary;
}

/** The stored split: image -> split (empty when none was made). */
export function readSplit(ws: Workspace): Map<string, SplitName> {
  ws.db.exec(DATASETS_SCHEMA);
  const rows = ws.db.prepare('SELECT sop_instance_uid AS sop, split FROM dataset_splits').all() as Array<{ sop: string; split: SplitName }>;
  return new Map(rows.map((r) => [r.sop, r.split]));
}
