/**
 * The collection stage (`pacsmine ingest-collection`, alias `ingest-pairs`): an image–text
 * collection without DICOM -> the same workspace rows a PACS gives, so every later stage runs
 * unchanged. Each case goes through the report ingest (de-identification, sentences, tokens,
 * references: src/reports/ingest.ts, not a copy); each image becomes a key image of its case's
 * report whose key sentence is its de-identified caption (refs + key_images 'caption'), an image
 * row (source 'collection'), a link (method 'caption') and a 256 × 256 PNG, padded to a square
 * and with burned-in text masked when asked (render.ts). Every case and image is stored or
 * listed in rejects (stage 'ingest-collection') with a reason that quotes no text.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { digestFile, digestStrings } from '../store/workspace.js';
import { ingestItems } from '../reports/ingest.js';
import { finishRecord, withMeta } from '../ingest/record.js';
import { DEFAULT_MAX_REPORT_BYTES, type SourceItem, type SourceRecord } from '../ingest/source.js';
import { OptionsError } from '../util/errors.js';
import { formatMaskRegions, type MaskRegion } from '../images/mask.js';
import { COLLECTIONS_SCHEMA } from './schema.js';
import { collectionOutputDigest } from './digest.js';
import { readManifest } from './manifest.js';
import { readMedpix, MEDPIX_OVERLAY } from './medpix.js';
import { readIndiana } from './iu.js';
import { ImageWriter } from './write.js';
import { COLLECTION_FORMATS, type Collection, type CollectionFormat } from './types.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('collections', 'images', 'ingest', 'refs', 'reports', 'store', 'util');

export const COLLECTION_STAGE = 'ingest-collection';

export interface CollectionIngestOptions {
  format: CollectionFormat;
  /** The image folder (default: medpix `<folder>/images`, iu `<folder>/images`, manifest: the manifest's folder). */
  imageDir?: string;
  /** manifest: a cases file with each case's report text. */
  cases?: string;
  /** The collection's name, part of every image's stable id. Default per format. */
  name?: string;
  /** Mask burned-in regions. Default: on for medpix, off otherwise. */
  mask?: boolean;
  /** The regions masked when masking is on. Default: MEDPIX_OVERLAY. */
  maskRegions?: readonly MaskRegion[];
  /** PNG side. Default 256. */
  size?: number;
  /** Worker threads for the case reports (as ingest). 0 = in-process. */
  workers?: number;
  /** Images converted at once. Default 8. */
  concurrency?: number;
  maxReportBytes?: number;
  maxSourcePixels?: number;
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface CollectionIngestSummary {
  source: string;
  collection: string;
  format: CollectionFormat;
  /** Images stored (each a linked key image with its PNG). */
  images: number;
  /** Cases stored as reports. */
  reports: number;
  /** Cases and images rejected. */
  rejected: number;
  casesRejected: number;
  imagesRejected: number;
  rejectsByCode: Record<string, number>;
  /** The masked regions (anchor:WxH,...), or null. */
  mask: string | null;
  /** Identifiers replaced in reports, captions and extra text. */
  phiReplaced: number;
  /** SHA-256 of the stage's output rows (collectionOutputDigest). */
  digest: string;
  seconds: number;
  upToDate: boolean;
}

/** Reads a collection in one of the formats (without touching a workspace). */
export function readCollection(input: string, o: Pick<CollectionIngestOptions, 'format' | 'imageDir' | 'cases' | 'name' | 'maxReportBytes'>): Collection {
  if (!COLLECTION_FORMATS.includes(o.format)) throw new OptionsError(`option \`format\` must be one of ${COLLECTION_FORMATS.join(', ')}, got '${String(o.format)}'`);
  if (!existsSync(input)) throw new OptionsError(`${input} does not exist`);
  if (o.cases !== undefined && o.format !== 'manifest') throw new OptionsError('option `cases` is for option `format` manifest only');
  const common = { ...(o.imageDir ? { imageDir: o.imageDir } : {}), ...(o.name ? { name: o.name } : {}) };
  if (o.format === 'medpix') return readMedpix(input, { ...common, ...(o.maxReportBytes ? { maxReportBytes: o.maxReportBytes } : {}) });
  if (o.format === 'iu') return readIndiana(input, common);
  if (statSync(input).isDirectory()) throw new OptionsError(`option \`format\` manifest takes the manifest file (CSV or JSON Lines), not a folder: ${input}`);
  return readManifest(input, { ...common, ...(o.cases ? { cases: o.cases } : {}) });
}

export async function ingestCollection(ws: Workspace, input: string, options: CollectionIngestOptions): Promise<CollectionIngestSummary> {
  const started = performance.now();
  const collection = readCollection(input, options);
  const source = path.resolve(input);
  const stage = `${COLLECTION_STAGE}:${source}`;
  const maskOn = options.mask ?? options.format === 'medpix';
  const regions = maskOn ? options.maskRegions ?? MEDPIX_OVERLAY : [];
  const maskSpec = regions.length ? formatMaskRegions(regions) : null;
  const maxReportBytes = options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES;
  const size = options.size ?? 256;
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new OptionsError(`size must be an integer from 8 to 4096, got ${size}`);
  const params = {
    format: options.format, name: collection.name, mask: maskSpec, size, maxReportBytes,
    imageDir: collection.imageDir ?? null, maxSourcePixels: options.maxSourcePixels ?? null,
  };
  const inputDigest = await digestInputs(collection);
  if (!options.force && ws.isUpToDate(stage, params, inputDigest, CODE())) {
    return { ...(ws.stageRecord(stage)?.summary as CollectionIngestSummary), upToDate: true };
  }

  ws.db.exec(COLLECTIONS_SCHEMA);
  const writer = new ImageWriter(ws, source, collection.name, { regions, maskSpec, size, maxReportBytes, maxSourcePixels: options.maxSourcePixels });
  writer.clear();

  // Cases: the report ingest, under this stage's name (it clears this source's reports first).
  const caseSummary = await ingestItems(ws, source, caseItems(collection, maxReportBytes), {
    workers: options.workers, rejectStage: COLLECTION_STAGE, batchSize: 256,
  });
  writer.storeExtraText(collection.cases);

  const images = await writer.storeImages(collection.images, options.concurrency ?? 8, options.onProgress);
  const rejectsByCode = { ...caseSummary.rejectsByCode };
  for (const [code, n] of Object.entries(images.rejectsByCode)) rejectsByCode[code] = (rejectsByCode[code] ?? 0) + n;
  const summary: CollectionIngestSummary = {
    source,
    collection: collection.name,
    format: options.format,
    images: images.stored,
    reports: caseSummary.ingested,
    rejected: caseSummary.rejected + images.rejected,
    casesRejected: caseSummary.rejected,
    imagesRejected: images.rejected,
    rejectsByCode,
    mask: maskSpec,
    phiReplaced: caseSummary.phiReplaced + images.phiReplaced + writer.extraPhiReplaced,
    digest: collectionOutputDigest(ws, source, [COLLECTION_STAGE]),
    seconds: (performance.now() - started) / 1000,
    upToDate: false,
  };
  ws.recordStage(stage, params, inputDigest, CODE(), summary);
  return summary;
}

async function* caseItems(collection: Collection, maxReportBytes: number): AsyncGenerator<SourceItem> {
  for (const item of collection.cases) {
    if (!item.ok) {
      yield item;
      continue;
    }
    const c = item.value;
    const record: SourceRecord = { recordId: c.caseId, text: c.text, location: c.location };
    withMeta(record, undefined, c.patientId, c.modality);
    yield finishRecord(record, maxReportBytes, 'case');
  }
}

/** The input files' contents, and each image file's size and time (or its absence). */
async function digestInputs(collection: Collection): Promise<string> {
  const parts: string[] = [];
  for (const f of collection.inputs) parts.push(await digestFile(f));
  for (const item of collection.images) {
    if (!item.ok) continue;
    const file = item.value.file;
    let s: ReturnType<typeof statSync> | undefined;
    try { s = statSync(file); } catch { s = undefined; }
    parts.push(s ? `${file}:${s.size}:${s.mtimeMs}` : `${file}:missing`);
  }
  return digestStrings(...parts);
}
