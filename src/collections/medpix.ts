/**
 * MedPix 2.0 (Siragusa et al. 2025) as a collection: `Case_topic.json` (one object per case,
 * `U_id`), `Descriptions.json` (one object per image: `image`, `U_id`, `Type`, `Description.Caption`,
 * `Modality`, `Plane`, `Location`, `Location Category`) and `images/<image>.png`.
 *
 * What text goes where (docs/collections.md):
 * - the case's report = HISTORY + FINDINGS + DIAGNOSIS (`Case.History`, `Case.Findings`,
 *   `Case."Case Diagnosis"`): the parts a radiology report has (clinical history, findings, and the
 *   conclusion an impression states), so document-level topics see what the paper's did;
 * - each image's caption = its key sentence;
 * - the teaching text (the topic's `Disease Discussion`, the case's `Discussion`, `Differential
 *   Diagnosis`, `Treatment & Follow Up`, `Exam`) stays out of the report, in case_extra_text: it is
 *   textbook prose about the disease, not about this patient's images, and would pull every
 *   case of a disease into one topic by its shared discussion; word2vec can still read it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FormatError } from '../util/errors.js';
import { joinSections, overByteLimit } from '../ingest/record.js';
import { DEFAULT_MAX_REPORT_BYTES } from '../ingest/source.js';
import type { MaskRegion } from '../images/mask.js';
import { present, rejectedItem, type CaseItem, type Collection, type ImageItem } from './types.js';

/**
 * The MedPix overlay, measured on all 2,050 images of the shared copy (docs/collections.md):
 * the "MedPix®" logo reaches 0.41 of the longest side from the right edge and 0.098 from the top,
 * the uploader/date band 0.078 from the bottom (the largest of the scales the overlay was drawn
 * at). The regions add a margin of 1.2 to 4 % of the longest side.
 */
export const MEDPIX_OVERLAY: readonly MaskRegion[] = [
  { anchor: 'top-right', width: 0.45, height: 0.12 },
  { anchor: 'bottom', height: 0.09 },
];

const CASES_FILE = 'Case_topic.json';
const IMAGES_FILE = 'Descriptions.json';
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Extra text kinds, in the order stored. */
const EXTRA_FIELDS: Array<[kind: string, from: 'Case' | 'Topic', field: string]> = [
  ['disease-discussion', 'Topic', 'Disease Discussion'],
  ['discussion', 'Case', 'Discussion'],
  ['differential-diagnosis', 'Case', 'Differential Diagnosis'],
  ['treatment', 'Case', 'Treatment & Follow Up'],
  ['exam', 'Case', 'Exam'],
];

export interface MedpixOptions {
  /** The image folder. Default: `<folder>/images`. */
  imageDir?: string;
  /** Collection name (part of every image's stable id). Default 'medpix2'. */
  name?: string;
  maxReportBytes?: number;
}

export function readMedpix(folder: string, options: MedpixOptions = {}): Collection {
  const dir = path.resolve(folder);
  const imageDir = path.resolve(options.imageDir ?? path.join(dir, 'images'));
  const maxBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const cases = readArray(path.join(dir, CASES_FILE));
  const descriptions = readArray(path.join(dir, IMAGES_FILE));

  // A case's modality, for the report row: its images' (CT, MR, or CT/MR for a case with both).
  const modalitiesOf = new Map<string, Set<string>>();
  for (const raw of descriptions) {
    const obj = asObject(raw);
    const id = present(obj?.['U_id']);
    const m = shortModality(present(obj?.['Type']));
    if (id && m) modalitiesOf.set(id, (modalitiesOf.get(id) ?? new Set()).add(m));
  }

  const caseItems: CaseItem[] = cases.map((raw, i): CaseItem => {
    const location = `${CASES_FILE}#${i}`;
    const obj = asObject(raw);
    const caseId = present(obj?.['U_id']) ?? '';
    if (!obj) return rejectedItem('', location, 'BAD_JSON', 'case entry is not an object');
    if (!caseId) return rejectedItem('', location, 'NO_ID', 'case has no U_id');
    const c = asObject(obj['Case']) ?? {};
    const topic = asObject(obj['Topic']) ?? {};
    const text = joinSections(['history', 'findings', 'diagnosis'], [present(c['History']), present(c['Findings']), present(c['Case Diagnosis'])]);
    const extra: Array<{ kind: string; text: string }> = [];
    for (const [kind, from, field] of EXTRA_FIELDS) {
      const v = present((from === 'Case' ? c : topic)[field]);
      if (v && !overByteLimit(v, maxBytes)) extra.push({ kind, text: v });
    }
    const modality = [...(modalitiesOf.get(caseId) ?? [])].sort().join('/');
    return { ok: true, value: { caseId, text, extra, location, ...(modality ? { modality } : {}) } };
  });

  const imageItems: ImageItem[] = descriptions.map((raw, i): ImageItem => {
    const location = `${IMAGES_FILE}#${i}`;
    const obj = asObject(raw);
    if (!obj) return rejectedItem('', location, 'BAD_JSON', 'image entry is not an object');
    const imageId = present(obj['image']) ?? '';
    if (!imageId) return rejectedItem('', location, 'NO_IMAGE', 'image entry has no image name');
    if (!/^[A-Za-z0-9_.-]+$/.test(imageId) || imageId.startsWith('.')) {
      return rejectedItem(imageId, location, 'NO_IMAGE', 'image name is not a plain file name');
    }
    const d = asObject(obj['Description']) ?? {};
    const file = IMAGE_EXTENSIONS.map((e) => path.join(imageDir, imageId + e)).find((f) => existsSync(f)) ?? path.join(imageDir, `${imageId}.png`);
    const meta: Record<string, string> = {};
    const detail = present(d['Modality']);
    if (detail) meta['modalityDetail'] = detail;
    const acr = present(d['ACR Codes']);
    if (acr) meta['acrCodes'] = acr;
    return {
      ok: true,
      value: {
        imageId,
        caseId: present(obj['U_id']) ?? '',
        file,
        caption: typeof d['Caption'] === 'string' ? d['Caption'] : '',
        modality: shortModality(present(obj['Type'])),
        plane: present(d['Plane']),
        bodyLocation: present(obj['Location']),
        locationCategory: present(obj['Location Category']),
        meta,
        location,
      },
    };
  });
  return { name: options.name ?? 'medpix2', format: 'medpix', inputs: [path.join(dir, CASES_FILE), path.join(dir, IMAGES_FILE)], imageDir, cases: caseItems, images: imageItems };
}

/** MedPix's Type is 'CT' or 'MR' (older exports say 'TAC' or 'MRI'). */
function shortModality(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const t = type.toUpperCase();
  if (t === 'TAC') return 'CT';
  if (t === 'MRI') return 'MR';
  return t;
}

function readArray(file: string): unknown[] {
  if (!existsSync(file)) throw new FormatError(`${path.basename(file)} is missing from the MedPix folder ${path.dirname(file)}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not the parser's message: it can quote the text around the error.
    throw new FormatError(`${path.basename(file)} is not valid JSON`);
  }
  if (!Array.isArray(value)) throw new FormatError(`${path.basename(file)} is not a JSON array`);
  return value;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
