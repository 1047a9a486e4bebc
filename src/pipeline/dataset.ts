/**
 * The labelled key-image dataset: each converted key image with its topic label at one level
 * (the paper's Section 4 input). Written as a training manifest ({path, label} per image) that
 * `pacsmine train --manifest` reads.
 */
import { writeFileSync } from 'node:fs';
import type { Workspace } from '../store/workspace.js';
import type { ManifestEntry } from '../training/manifest.js';
import { OptionsError } from '../util/errors.js';
import { pathInside, safeName } from '../util/safe-path.js';

export interface KeyImageDatasetSummary {
  level: string;
  images: number;
  classes: number;
  file: string;
  /** Images per label, largest first (the paper's imbalance). */
  perClass: Array<{ label: string; images: number }>;
}

/**
 * One entry per distinct key-image PNG; an image referenced by several key-image rows keeps the
 * label of its first (lowest id) row, so the dataset does not count it twice.
 */
export function keyImageManifest(ws: Workspace, level: string): ManifestEntry[] {
  const exists = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('topic_labels', 'key_image_png')").pluck().get() as number;
  if (exists < 2) throw new OptionsError('the key-image dataset needs converted key images and topic labels: run `pacsmine images convert` and `pacsmine topics` first');
  const rows = ws.db.prepare(`
    SELECT p.path AS path, t.label AS label
    FROM links l
    JOIN key_image_png p ON p.sop_instance_uid = l.sop_instance_uid
    JOIN topic_labels t ON t.key_image_id = l.key_image_id AND t.level = ?
    WHERE l.key_image_id = (SELECT MIN(l2.key_image_id) FROM links l2 JOIN topic_labels t2 ON t2.key_image_id = l2.key_image_id AND t2.level = ?
                            WHERE l2.sop_instance_uid = l.sop_instance_uid)
    ORDER BY p.path`).all(level, level) as Array<{ path: string; label: string }>;
  return rows.map((r) => ({ path: r.path, label: r.label }));
}

/** Writes the manifest for `level` into the workspace and says how the labels are spread. */
export function writeKeyImageDataset(ws: Workspace, level: string): KeyImageDatasetSummary {
  const entries = keyImageManifest(ws, level);
  // The level names the file: a name pacsmine makes from it, inside artifacts/datasets/.
  const file = pathInside(ws.artifactPath('datasets', '.keep').replace(/\.keep$/, ''), `key-images-${safeName(level)}.json`);
  writeFileSync(file, JSON.stringify(entries));
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(String(e.label), (counts.get(String(e.label)) ?? 0) + 1);
  const perClass = [...counts].map(([label, images]) => ({ label, images })).sort((a, b) => b.images - a.images || (a.label < b.label ? -1 : 1));
  return { level, images: entries.length, classes: counts.size, file, perClass };
}
