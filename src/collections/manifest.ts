/**
 * The general collection manifest: one row per image, CSV or JSON Lines (docs/collections.md).
 *
 *   image              the image file, absolute or relative to the image folder (default: the manifest's folder)
 *   case_id            the case (report) the image belongs to
 *   caption            the image's own text: its key sentence
 *   image_id           optional; the image's id in the collection (default: the `image` value)
 *   case_text          optional; the case's report text, when there is no cases file (first non-empty per case wins)
 *   modality, plane, body_location (or location), location_category, patient_id   optional metadata
 *
 * The cases file (optional, CSV or JSON Lines): case_id, text, and optional patient_id, modality,
 * extra_text (kept beside the report, not in it). Cases of the cases file and of case_text columns
 * are not mixed: with a cases file, case_text is ignored.
 */
import path from 'node:path';
import { field, readTable, type TableRow } from './tables.js';
import { present, rejectedItem, type CaseItem, type Collection, type CollectionCase, type ImageItem } from './types.js';

export interface ManifestOptions {
  /** A cases file (CSV or JSON Lines) with each case's report text. */
  cases?: string;
  /** Folder that relative image paths are resolved against. Default: the manifest's folder. */
  imageDir?: string;
  /** Collection name. Default: the manifest's file name without its extension. */
  name?: string;
}

export function readManifest(file: string, options: ManifestOptions = {}): Collection {
  const manifest = path.resolve(file);
  const imageDir = path.resolve(options.imageDir ?? path.dirname(manifest));
  const rows = readTable(manifest);
  const cases = options.cases ? casesFromFile(path.resolve(options.cases)) : casesFromColumn(rows);
  const images = rows.map((row): ImageItem => imageFromRow(row, imageDir, cases.conflicts));
  return {
    name: options.name ?? path.basename(manifest).replace(/\.[^.]+$/, ''),
    format: 'manifest',
    inputs: options.cases ? [manifest, path.resolve(options.cases)] : [manifest],
    imageDir,
    cases: cases.items,
    images,
  };
}

interface Cases {
  items: CaseItem[];
  /** Manifest rows whose case_text differs from the case's first one. */
  conflicts: Set<TableRow>;
}

function imageFromRow(row: TableRow, imageDir: string, conflicts: Set<TableRow>): ImageItem {
  const image = field(row, 'image', 'file', 'path') ?? '';
  const imageId = present(field(row, 'image_id')) ?? image;
  if (row.problem) return rejectedItem(imageId, row.location, row.problem.code, row.problem.reason);
  if (!image) return rejectedItem(imageId, row.location, 'NO_IMAGE', 'row names no image file');
  const caseId = field(row, 'case_id') ?? '';
  if (conflicts.has(row)) return rejectedItem(imageId, row.location, 'CASE_TEXT_CONFLICT', `case_text differs from the first row of case '${caseId}'`);
  const opt = (...names: string[]): string | undefined => present(field(row, ...names));
  const value = {
    imageId,
    caseId,
    file: path.resolve(imageDir, image),
    caption: field(row, 'caption') ?? '',
    location: row.location,
    modality: opt('modality'),
    plane: opt('plane'),
    bodyLocation: opt('body_location', 'location'),
    locationCategory: opt('location_category'),
    patientId: opt('patient_id'),
  };
  for (const k of Object.keys(value) as Array<keyof typeof value>) if (value[k] === undefined) delete value[k];
  return { ok: true, value };
}

/** Cases from the manifest's case_text column: the first non-empty text of each case id. */
function casesFromColumn(rows: TableRow[]): Cases {
  const byId = new Map<string, CollectionCase>();
  const conflicts = new Set<TableRow>();
  for (const row of rows) {
    if (row.problem) continue;
    const caseId = field(row, 'case_id') ?? '';
    const text = field(row, 'case_text') ?? '';
    if (!caseId || !text) continue;
    const known = byId.get(caseId);
    if (!known) {
      const c: CollectionCase = { caseId, text, location: row.location };
      const patient = present(field(row, 'patient_id'));
      if (patient) c.patientId = patient;
      byId.set(caseId, c);
    } else if (known.text !== text) conflicts.add(row);
  }
  return { items: [...byId.values()].map((value) => ({ ok: true, value })), conflicts };
}

/** Cases from a cases file: one per row, rejected rows kept as rejects. */
function casesFromFile(file: string): Cases {
  const items = readTable(file).map((row): CaseItem => {
    const caseId = field(row, 'case_id', 'id') ?? '';
    if (row.problem) return rejectedItem(caseId, row.location, row.problem.code, row.problem.reason);
    const c: CollectionCase = { caseId, text: field(row, 'text', 'report') ?? '', location: row.location };
    const patient = present(field(row, 'patient_id'));
    if (patient) c.patientId = patient;
    const modality = present(field(row, 'modality'));
    if (modality) c.modality = modality;
    const extra = present(field(row, 'extra_text'));
    if (extra) c.extra = [{ kind: 'extra', text: extra }];
    return { ok: true, value: c };
  });
  return { items, conflicts: new Set() };
}
