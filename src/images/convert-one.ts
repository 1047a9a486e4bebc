/**
 * One image's conversion, with no workspace: read the DICOM (file or PACS), write its PNG under a
 * pacsmine-made name in the output folder, and return the row to record — or the reject. Both the
 * in-process `images convert` and the queue's job processor (src/queue/worker.ts) call it, so the
 * two paths cannot drift apart; only the caller touches the workspace SQLite.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { describeError, stopsRun } from '../util/errors.js';
import { pathInside, uidFileName, UnsafePathError } from '../util/safe-path.js';
import { HeaderProblem } from './header.js';
import { loadImageBytes } from './load.js';
import { convertToPng, type PngOptions } from './png.js';

/** What one job needs to find an image: ids and a location (a path or a WADO-RS URL), never report text. */
export interface ImageInput {
  sopInstanceUid: string;
  location: string;
  source: string;
}

/** A key_image_png row. */
export interface ConvertedRow {
  sopInstanceUid: string;
  path: string;
  windowCenter: number;
  windowWidth: number;
  windowFrom: string;
  sourceRows: number;
  sourceColumns: number;
}

export type ConvertOutcome = { ok: true; row: ConvertedRow } | { ok: false; recordId: string; code: string; reason: string };

/**
 * Converts one image into `outDir`. An image that cannot be converted comes back as a reject;
 * an error that would fail every image alike (refused credentials, no PACS) is thrown.
 */
export async function convertOneImage(input: ImageInput, outDir: string, options: PngOptions & { client?: DicomwebClient } = {}): Promise<ConvertOutcome> {
  try {
    const file = pathInside(outDir, uidFileName(input.sopInstanceUid, '.png'));
    const bytes = await loadImageBytes(input, options.client);
    const r = await convertToPng(bytes, file, options);
    return { ok: true, row: { sopInstanceUid: input.sopInstanceUid, path: r.path, windowCenter: r.window[0], windowWidth: r.window[1], windowFrom: r.windowFrom, sourceRows: r.sourceRows, sourceColumns: r.sourceColumns } };
  } catch (error) {
    if (stopsRun(error)) throw error;
    const code = error instanceof HeaderProblem ? error.code : error instanceof UnsafePathError ? 'unsafe-path' : 'undecodable';
    return { ok: false, recordId: input.location, code, reason: describeError(error) };
  }
}

/**
 * The conversion's digest: its rows (by SOP Instance UID, with the PNG's file name, not the folder,
 * so two workspaces compare) and the PNG bytes. No timings, so a rerun or a queue run matches.
 */
export function convertDigest(rows: ConvertedRow[]): string {
  const h = createHash('sha256');
  for (const r of [...rows].sort((a, b) => (a.sopInstanceUid < b.sopInstanceUid ? -1 : a.sopInstanceUid > b.sopInstanceUid ? 1 : 0))) {
    h.update(JSON.stringify([r.sopInstanceUid, path.basename(r.path), r.windowCenter, r.windowWidth, r.windowFrom, r.sourceRows, r.sourceColumns]));
    h.update(readFileSync(r.path));
  }
  return h.digest('hex');
}
