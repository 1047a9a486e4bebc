/**
 * Reads what the image table needs from a DICOM file's header with dicom-parser (fast: it only
 * walks the element list), and classifies what is wrong with files that cannot be indexed.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { readSeriesAttributes, type SeriesAttributes } from './series-attributes.js';

export type DataSet = dicomParser.DataSet;

/** Transfer syntaxes the pixel pipeline can decode. */
export const SUPPORTED_TRANSFER_SYNTAXES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian'],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian'],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian'],
  ['1.2.840.10008.1.2.5', 'RLE Lossless'],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (8-bit)'],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless'],
  ['1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1'],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless'],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless'],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000'],
]);

/** The image table's columns, as read from one file. */
export interface ImageHeader {
  sopInstanceUid: string;
  sopClassUid: string | undefined;
  studyUid: string | undefined;
  seriesUid: string | undefined;
  accession: string | undefined;
  patientId: string | undefined;
  modality: string | undefined;
  seriesNumber: number | undefined;
  instanceNumber: number | undefined;
  bodyPart: string | undefined;
  rows: number | undefined;
  columns: number | undefined;
  numFrames: number;
  transferSyntax: string;
  hasPixelData: boolean;
  /** What the series is (description, plane, sequence, contrast, kernel): one image stands for its series. */
  series: SeriesAttributes;
}

/** Why a file was not indexed; `code` is stable (recorded in the rejects table). */
export class HeaderProblem extends Error {
  constructor(readonly code: 'not-dicom' | 'truncated' | 'no-pixel-data' | 'unsupported-transfer-syntax' | 'no-sop-uid' | 'dicomdir' | 'too-large' | 'frame-mismatch' | 'bad-key-object', message: string) {
    super(message);
  }
}

const MEDIA_DIRECTORY = '1.2.840.10008.1.3.10';

const str = (ds: DataSet, tag: string): string | undefined => {
  const v = ds.string(tag);
  return v === undefined || v === '' ? undefined : v.trim();
};
const int = (ds: DataSet, tag: string): number | undefined => {
  const v = ds.string(tag);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Parses a Part 10 buffer (or a bare dataset without the preamble, which some archives hold).
 * Throws HeaderProblem with a code for files that are not DICOM or are cut short.
 */
export function parseDataSet(bytes: Uint8Array, options: { untilPixelData?: boolean } = {}): DataSet {
  const opts = options.untilPixelData ? { untilTag: 'x7fe00010' } : undefined;
  const hasPrefix = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  if (!hasPrefix) {
    // Headerless datasets (no preamble) are legal in old archives: try implicit little endian.
    try {
      const ds = dicomParser.parseDicom(bytes, { ...opts, TransferSyntaxUID: '1.2.840.10008.1.2' });
      if (ds.string('x00080018') || ds.string('x00080016')) return ds;
    } catch { /* not a dataset either */ }
    throw new HeaderProblem('not-dicom', 'not a DICOM file (no DICM prefix and no readable dataset)');
  }
  try {
    return dicomParser.parseDicom(bytes, opts);
  } catch (error) {
    const message = typeof error === 'string' ? error : error instanceof Error ? error.message : String((error as { exception?: unknown }).exception ?? error);
    if (/overread|buffer|beyond|truncat|length|end of/i.test(message)) throw new HeaderProblem('truncated', `truncated DICOM file (${message.slice(0, 120)})`);
    throw new HeaderProblem('not-dicom', `unreadable DICOM (${message.slice(0, 120)})`);
  }
}

/** Bytes read from the start of a file for its header; most headers are a few KB. */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads a file's header only: the first 64 KB, parsed up to Pixel Data (whose declared length is
 * checked against the file size). Falls back to the whole file when the header is longer.
 */
export function readImageHeaderFromFile(file: string): ImageHeader {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    readSync(fd, head, 0, head.length, 0);
    if (size > head.length) {
      try {
        return readImageHeader(head, { untilPixelData: true, fileSize: size });
      } catch (error) {
        if (!(error instanceof HeaderProblem && error.code === 'truncated')) throw error;
      }
      const all = new Uint8Array(size);
      readSync(fd, all, 0, size, 0);
      return readImageHeader(all);
    }
    return readImageHeader(head);
  } finally {
    closeSync(fd);
  }
}

/** Reads the header fields; checks that the file is an image the pipeline can decode. */
export function readImageHeader(bytes: Uint8Array, options: { untilPixelData?: boolean; fileSize?: number } = {}): ImageHeader {
  const ds = parseDataSet(bytes, { untilPixelData: options.untilPixelData ?? false });
  if (str(ds, 'x00020002') === MEDIA_DIRECTORY || ds.elements['x00041220']) throw new HeaderProblem('dicomdir', 'a DICOMDIR (media directory), not an image');
  const sopInstanceUid = str(ds, 'x00080018') ?? str(ds, 'x00020003');
  if (!sopInstanceUid) throw new HeaderProblem('no-sop-uid', 'no SOP Instance UID (0008,0018)');
  const pixel = ds.elements['x7fe00010'];
  const hasPixelData = pixel !== undefined;
  if (!hasPixelData) throw new HeaderProblem('no-pixel-data', 'no Pixel Data (7FE0,0010): not an image (e.g. a structured report)');
  // A pixel element whose declared length runs past the end of the file is a truncated file.
  const fileSize = options.fileSize ?? bytes.length;
  if (pixel.length !== undefined && pixel.length !== 0xffffffff && pixel.dataOffset + pixel.length > fileSize) {
    throw new HeaderProblem('truncated', `truncated: Pixel Data needs ${pixel.length} bytes, the file has ${fileSize - pixel.dataOffset}`);
  }
  const transferSyntax = str(ds, 'x00020010') ?? '1.2.840.10008.1.2';
  if (!SUPPORTED_TRANSFER_SYNTAXES.has(transferSyntax)) {
    throw new HeaderProblem('unsupported-transfer-syntax', `unsupported transfer syntax ${transferSyntax}`);
  }
  return {
    sopInstanceUid,
    sopClassUid: str(ds, 'x00080016'),
    studyUid: str(ds, 'x0020000d'),
    seriesUid: str(ds, 'x0020000e'),
    accession: str(ds, 'x00080050'),
    patientId: str(ds, 'x00100020'),
    modality: str(ds, 'x00080060'),
    seriesNumber: int(ds, 'x00200011'),
    instanceNumber: int(ds, 'x00200013'),
    bodyPart: str(ds, 'x00180015'),
    rows: ds.uint16('x00280010'),
    columns: ds.uint16('x00280011'),
    numFrames: int(ds, 'x00280008') ?? 1,
    transferSyntax,
    hasPixelData,
    series: readSeriesAttributes(ds),
  };
}

/** Files a DICOMDIR lists, as paths relative to the DICOMDIR's folder (ReferencedFileID, 0004,1500). */
export function dicomdirFiles(bytes: Uint8Array): string[] {
  const ds = parseDataSet(bytes);
  const seq = ds.elements['x00041220'];
  const out: string[] = [];
  for (const item of seq?.items ?? []) {
    const id = item.dataSet?.string('x00041500');
    if (id) out.push(id.trim().split('\\').join('/'));
  }
  return out;
}
