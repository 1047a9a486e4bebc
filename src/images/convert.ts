/**
 * `pacsmine images convert`: renders the workspace's key images (the images linked to report
 * references) as 256x256 PNGs under artifacts/key-images/, as the paper stored them. A file that
 * cannot be decoded is recorded in the rejects table with the reason; the others go on.
 * Files are named by SOP Instance UID through `uidFileName` (the UID when well formed, else a
 * hash), never by the raw header value, and always land inside artifacts/key-images/.
 */
import type { Workspace } from '../store/workspace.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import type { PngOptions } from './png.js';
import { convertDigest, convertOneImage, type ConvertedRow, type ImageInput } from './convert-one.js';
import { Rejects } from '../store/rejects.js';
import { IMAGES_SCHEMA } from './schema.js';
import { DEFAULT_MAX_PIXELS } from './pixels.js';
import { codeDigest } from '../util/code-digest.js';
import { MissingStageError } from '../util/errors.js';

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
  /** Hash of the converted rows and PNG bytes (convertDigest): equal for equal output, however it was run. */
  digest: string;
}

/** The images a conversion takes: the linked key images, or every indexed DICOM image with `all`. */
export function imagesToConvert(ws: Workspace, all: boolean): ImageInput[] {
  ws.db.exec(IMAGES_SCHEMA);
  // Collection images (source 'collection') are not DICOM: the collection stage renders them itself (padded, masked).
  const sql = all
    ? "SELECT sop_instance_uid AS sopInstanceUid, location, source FROM images WHERE source <> 'collection' ORDER BY sop_instance_uid"
    : `SELECT DISTINCT i.sop_instance_uid AS sopInstanceUid, i.location, i.source FROM links l JOIN images i ON i.sop_instance_uid = l.sop_instance_uid
       WHERE i.source <> 'collection' ORDER BY i.sop_instance_uid`;
  return ws.db.prepare(sql).all() as ImageInput[];
}

/**
 * The PNGs `images convert` recorded in the workspace (key_image_png), in SOP Instance UID order:
 * what `classify` / `keywords --all-key-images` run over, in process or on the queue.
 */
export function convertedKeyImagePaths(ws: Workspace): string[] {
  ws.db.exec(IMAGES_SCHEMA);
  const paths = ws.db.prepare('SELECT path FROM key_image_png ORDER BY sop_instance_uid').pluck().all() as string[];
  if (paths.length === 0) throw new MissingStageError('no converted key images in the workspace', { stage: 'images convert' });
  return paths;
}

/** The workspace's key-image folder (artifacts/key-images). */
export function keyImageDir(ws: Workspace): string {
  return ws.artifactPath('key-images', '.keep').replace(/\.keep$/, '');
}

/** Writes converted rows into key_image_png (a rerun replaces a UID's row): the one writer is whoever holds the workspace. */
export function saveConvertedRows(ws: Workspace, rows: ConvertedRow[]): void {
  ws.db.exec(IMAGES_SCHEMA);
  const save = ws.db.prepare(`INSERT INTO key_image_png (sop_instance_uid, path, window_center, window_width, window_from, source_rows, source_columns)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sop_instance_uid) DO UPDATE SET path = excluded.path, window_center = excluded.window_center,
    window_width = excluded.window_width, window_from = excluded.window_from, source_rows = excluded.source_rows, source_columns = excluded.source_columns`);
  ws.db.transaction(() => {
    for (const r of rows) save.run(r.sopInstanceUid, r.path, r.windowCenter, r.windowWidth, r.windowFrom, r.sourceRows, r.sourceColumns);
  })();
}

/** Records the stage (params, inputs, code, summary) once its rows are saved. */
export function recordConvertStage(ws: Workspace, options: ConvertOptions, images: number, summary: ConvertSummary): void {
  ws.recordStage(CONVERT_STAGE, { all: options.all ?? false, size: options.size ?? 256, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, String(images), CODE(), summary);
}

export async function convertKeyImages(ws: Workspace, options: ConvertOptions = {}): Promise<ConvertSummary> {
  const rows = imagesToConvert(ws, options.all ?? false);
  const outDir = keyImageDir(ws);
  const rejects = new Rejects(ws, CONVERT_STAGE, ws.dir);
  rejects.clear();
  const converted: ConvertedRow[] = [];
  let rejected = 0;
  // A few images in flight at once: sharp works on libuv's thread pool, and its per-call
  // overhead (not the pixels) dominates at 256x256, so overlapping calls more than doubles throughput.
  const inFlight = Math.max(1, options.concurrency ?? 8);
  let done = 0;
  const one = async (row: ImageInput): Promise<void> => {
    const outcome = await convertOneImage(row, outDir, options);
    if (outcome.ok) converted.push(outcome.row);
    else {
      rejects.add(outcome.recordId, outcome.code, outcome.reason);
      rejected++;
    }
    options.onProgress?.(++done, rows.length);
  };
  try {
    for (let i = 0; i < rows.length; i += inFlight) {
      // allSettled: a batch's other images finish (and are recorded) before a stopping error is thrown.
      const failed = (await Promise.allSettled(rows.slice(i, i + inFlight).map(one))).find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    }
  } finally {
    saveConvertedRows(ws, converted);
  }
  const summary: ConvertSummary = { images: rows.length, converted: converted.length, rejected, outDir, digest: convertDigest(converted) };
  recordConvertStage(ws, options, rows.length, summary);
  return summary;
}
