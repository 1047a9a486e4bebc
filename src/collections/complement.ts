/**
 * The masked-region images of a workspace's collection: for each collection image that was
 * masked, the complement of its key-image PNG (only what the mask removed, same padding and
 * size), for the experiment that measures how much the burned-in text alone says about a label.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { parseMaskRegions } from '../images/mask.js';
import { InputError } from '../util/errors.js';
import { renderCollectionImage } from './render.js';

export interface MaskedRegionImage {
  sopInstanceUid: string;
  /** The key-image PNG (masked), as in key_image_png. */
  keyImagePath: string;
  /** The complement: only the masked regions. */
  path: string;
}

/**
 * Renders the complement of every masked collection image into `artifacts/key-images-masked-only/`
 * (file names as the key images'). Swap `keyImagePath` for `path` in a dataset manifest
 * (keyImageManifest) to train on the removed regions alone. Images that were not masked are left out.
 */
export async function renderMaskedRegions(ws: Workspace, options: { size?: number; concurrency?: number } = {}): Promise<MaskedRegionImage[]> {
  const rows = ws.db.prepare(`SELECT c.sop_instance_uid AS sop, c.mask, i.location, p.path
    FROM collection_images c JOIN images i USING (sop_instance_uid) JOIN key_image_png p USING (sop_instance_uid)
    WHERE c.mask IS NOT NULL ORDER BY c.sop_instance_uid`).all() as Array<{ sop: string; mask: string; location: string; path: string }>;
  const outDir = path.join(ws.dir, 'artifacts', 'key-images-masked-only');
  mkdirSync(outDir, { recursive: true });
  const out: MaskedRegionImage[] = [];
  const step = Math.max(1, options.concurrency ?? 8);
  for (let i = 0; i < rows.length; i += step) {
    const group = rows.slice(i, i + step);
    const rendered = await Promise.all(group.map((r) =>
      renderCollectionImage(r.location, { size: options.size ?? 256, mask: parseMaskRegions(r.mask), maskMode: 'only' }).catch((error: unknown) => {
        throw new InputError(`collection image ${r.sop}: its source file can no longer be read (run the collection stage again)`, r.sop, { cause: error });
      })));
    group.forEach((r, j) => {
      const file = path.join(outDir, path.basename(r.path));
      writeFileSync(file, rendered[j]!.png);
      out.push({ sopInstanceUid: r.sop, keyImagePath: r.path, path: file });
    });
  }
  return out;
}
