/**
 * The Indiana University chest X-ray collection (Open-i) as a collection: `indiana_reports.csv`
 * (uid, MeSH, Problems, image, indication, comparison, findings, impression), `indiana_projections.csv`
 * (uid, filename, projection) and a folder of images.
 *
 * - the case's report = INDICATION + FINDINGS + IMPRESSION (comparison is almost always "None.");
 * - the collection has no caption per image, so each image's key sentence is its study's
 *   impression (the findings where the impression is empty): the sentence a radiologist would
 *   have pointed at, the same for the frontal and the lateral view;
 * - plane = the projection (Frontal, Lateral), modality 'XR' (the collection does not say CR or DX),
 *   body location 'Chest'.
 * Images are looked for under the name the projections file gives (Kaggle's `3_IM-1384-1001.dcm.png`)
 * and under Open-i's name for the same file (`CXR3_IM-1384-1001.png`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { joinSections } from '../ingest/record.js';
import { FormatError } from '../util/errors.js';
import { field, readCsvTable } from './tables.js';
import { present, rejectedItem, type CaseItem, type Collection, type ImageItem } from './types.js';

export const IU_REPORTS = 'indiana_reports.csv';
export const IU_PROJECTIONS = 'indiana_projections.csv';

export interface IuOptions {
  /** The image folder. Default: `<folder>/images`. */
  imageDir?: string;
  /** Collection name. Default 'iu-xray'. */
  name?: string;
}

export function readIndiana(folder: string, options: IuOptions = {}): Collection {
  const dir = path.resolve(folder);
  const imageDir = path.resolve(options.imageDir ?? path.join(dir, 'images'));
  for (const f of [IU_REPORTS, IU_PROJECTIONS]) {
    if (!existsSync(path.join(dir, f))) throw new FormatError(`${f} is missing from the Indiana folder ${dir}`);
  }
  const reports = readCsvTable(path.join(dir, IU_REPORTS));
  const impressionOf = new Map<string, string>();

  const cases: CaseItem[] = reports.map((row): CaseItem => {
    const uid = field(row, 'uid') ?? '';
    if (row.problem) return rejectedItem(uid, row.location, row.problem.code, row.problem.reason);
    if (!uid) return rejectedItem('', row.location, 'NO_ID', 'report has no uid');
    const findings = present(field(row, 'findings'));
    const impression = present(field(row, 'impression'));
    const caption = impression ?? findings;
    if (caption && !impressionOf.has(uid)) impressionOf.set(uid, caption);
    const text = joinSections(['indication', 'findings', 'impression'], [present(field(row, 'indication')), findings, impression]);
    return { ok: true, value: { caseId: uid, text, modality: 'XR', location: row.location } };
  });

  const images: ImageItem[] = readCsvTable(path.join(dir, IU_PROJECTIONS)).map((row): ImageItem => {
    const filename = field(row, 'filename') ?? '';
    if (row.problem) return rejectedItem(filename, row.location, row.problem.code, row.problem.reason);
    if (!filename) return rejectedItem('', row.location, 'NO_IMAGE', 'row has no filename');
    if (filename.includes('/') || filename.includes('\\') || filename.startsWith('.')) {
      return rejectedItem(filename, row.location, 'NO_IMAGE', 'filename is not a plain file name');
    }
    const uid = field(row, 'uid') ?? '';
    const projection = present(field(row, 'projection'));
    return {
      ok: true,
      value: {
        imageId: filename,
        caseId: uid,
        file: findImage(imageDir, filename),
        caption: impressionOf.get(uid) ?? '',
        modality: 'XR',
        ...(projection ? { plane: projection } : {}),
        bodyLocation: 'Chest',
        location: row.location,
      },
    };
  });
  return { name: options.name ?? 'iu-xray', format: 'iu', inputs: [path.join(dir, IU_REPORTS), path.join(dir, IU_PROJECTIONS)], imageDir, cases, images };
}

/** The file under the projections' name, else under Open-i's name; the first when neither exists. */
function findImage(imageDir: string, filename: string): string {
  const given = path.join(imageDir, filename);
  if (existsSync(given)) return given;
  const openi = path.join(imageDir, `CXR${filename.replace(/\.dcm\.png$/i, '.png')}`);
  return existsSync(openi) ? openi : given;
}
