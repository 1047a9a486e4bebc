/**
 * `pacsmine export`: writes the key images for sharing, de-identified. DICOM files go through
 * the PS3.15 basic profile (deid.ts); PNGs carry pixels only (no text chunks), and every file is
 * named by its new, mapped SOP Instance UID so that no original identifier leaves the workspace.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { OptionsError, describeError, stopsRun } from '../util/errors.js';
import { UnsafePathError, pathInside, uidFileName } from '../util/safe-path.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { deidentifyPart10, mapUid } from './deid.js';
import { HeaderProblem } from './header.js';
import { loadImageBytes } from './load.js';
import { renderKeyImage } from './png.js';
import { DEFAULT_MAX_PIXELS } from './pixels.js';
import { Rejects } from '../store/rejects.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('images', 'store', 'util');

export const EXPORT_STAGE = 'export';

export interface ExportOptions {
  outDir: string;
  format: 'dicom' | 'png' | 'both';
  /** Secret salt for UID mapping; default: the workspace's own (created once, kept in artifacts/). */
  salt?: string;
  size?: number;
  client?: DicomwebClient;
  /** Refuse images whose frames declare more pixels than this, before decoding (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

export interface ExportSummary {
  images: number;
  dicom: number;
  png: number;
  rejected: number;
  outDir: string;
  manifest: string;
}

/** The workspace's de-identification salt (random, created on first use). */
export function workspaceSalt(ws: Workspace): string {
  const file = ws.artifactPath('deid-salt');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** One CSV field (RFC 4180): header values such as BodyPartExamined may hold commas, quotes or line breaks. */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportKeyImages(ws: Workspace, options: ExportOptions): Promise<ExportSummary> {
  if (!['dicom', 'png', 'both'].includes(options.format)) throw new OptionsError(`format must be dicom, png or both, got ${options.format}`);
  const salt = options.salt ?? workspaceSalt(ws);
  const outDir = path.resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const rows = ws.db.prepare(`SELECT DISTINCT i.sop_instance_uid, i.location, i.source, i.modality, i.body_part, i.series_number, i.instance_number
    FROM links l JOIN images i ON i.sop_instance_uid = l.sop_instance_uid ORDER BY i.sop_instance_uid`).all() as
    { sop_instance_uid: string; location: string; source: string; modality: string | null; body_part: string | null; series_number: number | null; instance_number: number | null }[];
  const labels = ws.db.prepare(`SELECT DISTINCT k.report_id FROM links l JOIN key_images k ON k.id = l.key_image_id WHERE l.sop_instance_uid = ?`);
  const rejects = new Rejects(ws, EXPORT_STAGE, outDir);
  rejects.clear();
  const summary: ExportSummary = { images: rows.length, dicom: 0, png: 0, rejected: 0, outDir, manifest: path.join(outDir, 'key-images.csv') };
  const manifest: string[] = ['file,report_ids,modality,body_part,series_number,instance_number'];
  for (const row of rows) {
    const newUid = mapUid(row.sop_instance_uid, salt);
    try {
      const bytes = await loadImageBytes(row, options.client);
      const written: string[] = [];
      // mapUid makes a well-formed UID, so uidFileName keeps it; pathInside checks anyway.
      if (options.format !== 'png') {
        const d = deidentifyPart10(bytes, salt);
        const name = uidFileName(newUid, '.dcm');
        writeFileSync(pathInside(outDir, name), d.bytes);
        written.push(name);
        summary.dicom++;
      }
      if (options.format !== 'dicom') {
        const r = await renderKeyImage(bytes, { size: options.size ?? 256, ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}) });
        const name = uidFileName(newUid, '.png');
        writeFileSync(pathInside(outDir, name), r.png);
        written.push(name);
        summary.png++;
      }
      // Report ids are the workspace's own record ids (not identifiers from the header).
      const reports = (labels.all(row.sop_instance_uid) as { report_id: string }[]).map((r) => r.report_id).join(' ');
      for (const f of written) manifest.push([f, reports, row.modality ?? '', row.body_part ?? '', row.series_number ?? '', row.instance_number ?? ''].map(csvField).join(','));
    } catch (error) {
      if (stopsRun(error)) throw error; // refused credentials or no PACS: every other image would fail alike
      rejects.add(row.location, error instanceof HeaderProblem ? error.code : error instanceof UnsafePathError ? 'unsafe-path' : 'export-failed', describeError(error));
      summary.rejected++;
    }
  }
  writeFileSync(summary.manifest, `${manifest.join('\n')}\n`);
  ws.recordStage(EXPORT_STAGE, { format: options.format, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, String(rows.length), CODE(), summary);
  return summary;
}
