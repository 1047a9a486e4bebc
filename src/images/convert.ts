/**
 * `pacsmine images convert`: renders the workspace's key images (the images linked to report
 * references) as 256x256 PNGs under artifacts/key-images/, as the paper stored them. A file that
 * cannot be decoded is recorded in the rejects table with the reason; the others go on.
 * Files are named by SOP Instance UID through `uidFileName` (the UID when well formed, else a
 * hash), never by the raw header value, and always land inside artifacts/key-images/.
 */
import type { Workspace } from '../store/workspace.js';
import { describeError, stopsRun } from '../util/errors.js';
import { pathInside, uidFileName, UnsafePathError } from '../util/safe-path.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { HeaderProblem } from './header.js';
import { loadImageBytes } from './load.js';
import { convertToPng, type PngOptions } from './png.js';
import { Rejects } from '../store/rejects.js';
import { IMAGES_SCHEMA } from './schema.js';
import { DEFAULT_MAX_PIXELS } from './pixels.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('images', 'store', 'util');

export const CONVERT_STAGE = 'images-convert';

export interface ConvertOptions extends PngOptions {
  /** Convert every indexed image, not only linked key images. */
  all?: boolean;
  /** For images whose location is a PACS (source 'dicomweb'). */
  client?: DicomwebClient;
  /** Images converted at once (default 8). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ConvertSummary {
  images: number;
  converted: number;
  rejected: number;
  outDir: string;
}

export async function convertKeyImages(ws: Workspace, options: ConvertOptions = {}): Promise<ConvertSummary> {
  ws.db.exec(IMAGES_SCHEMA);
  // Collection images (source 'collection') are not DICOM: the collection stage renders them itself (padded, masked).
  const sql = options.all
    ? "SELECT sop_instance_uid, location, source FROM images WHERE source <> 'collection' ORDER BY sop_instance_uid"
    : `SELECT DISTINCT i.sop_instance_uid, i.location, i.source FROM links l JOIN images i ON i.sop_instance_uid = l.sop_instance_uid
       WHERE i.source <> 'collection' ORDER BY i.sop_instance_uid`;
  const rows = ws.db.prepare(sql).all() as { sop_instance_uid: string; location: string; source: string }[];
  const outDir = ws.artifactPath('key-images', '.keep').replace(/\.keep$/, '');
  const rejects = new Rejects(ws, CONVERT_STAGE, ws.dir);
  rejects.clear();
  const save = ws.db.prepare(`INSERT INTO key_image_png (sop_instance_uid, path, window_center, window_width, window_from, source_rows, source_columns)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sop_instance_uid) DO UPDATE SET path = excluded.path, window_center = excluded.window_center,
    window_width = excluded.window_width, window_from = excluded.window_from, source_rows = excluded.source_rows, source_columns = excluded.source_columns`);
  const summary: ConvertSummary = { images: rows.length, converted: 0, rejected: 0, outDir };
  // A few images in flight at once: sharp works on libuv's thread pool, and its per-call
  // overhead (not the pixels) dominates at 256x256, so overlapping calls more than doubles throughput.
  const inFlight = Math.max(1, options.concurrency ?? 8);
  let done = 0;
  const one = async (row: (typeof rows)[number]): Promise<void> => {
    try {
      const file = pathInside(outDir, uidFileName(row.sop_instance_uid, '.png'));
      const bytes = await loadImageBytes(row, options.client);
      const r = await convertToPng(bytes, file, options);
      save.run(row.sop_instance_uid, r.path, r.window[0], r.window[1], r.windowFrom, r.sourceRows, r.sourceColumns);
      summary.converted++;
    } catch (error) {
      if (stopsRun(error)) throw error; // refused credentials or no PACS: every other image would fail alike
      rejects.add(row.location, error instanceof HeaderProblem ? error.code : error instanceof UnsafePathError ? 'unsafe-path' : 'undecodable', describeError(error));
      summary.rejected++;
    }
    options.onProgress?.(++done, rows.length);
  };
  for (let i = 0; i < rows.length; i += inFlight) {
    // allSettled: a batch's other images finish (and are recorded) before a stopping error is thrown.
    const failed = (await Promise.allSettled(rows.slice(i, i + inFlight).map(one))).find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
  ws.recordStage(CONVERT_STAGE, { all: options.all ?? false, size: options.size ?? 256, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, String(rows.length), CODE(), summary);
  return summary;
}
