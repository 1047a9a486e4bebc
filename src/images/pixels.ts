/**
 * The pixel pipeline: stored pixels of one frame -> modality values (rescale slope/intercept,
 * e.g. Hounsfield units) -> VOI window (from the header, else a preset per body region) -> 8-bit
 * grey, with MONOCHROME1 inverted. Handles 8/16/32-bit signed/unsigned, BitsStored masking and
 * sign extension, big endian, multi-frame, colour (as luminance) and compressed frames.
 */
import dicomParser from 'dicom-parser';
import { SELF_DESCRIBING_SYNTAXES, declaredFrame, decodeCompressedFrame } from './codecs.js';
import { HeaderProblem, SUPPORTED_TRANSFER_SYNTAXES, parseDataSet, type DataSet } from './header.js';

export interface DecodedImage {
  rows: number;
  columns: number;
  numFrames: number;
  /** Modality values (after the modality LUT), [rows × columns] row-major, luminance for colour. */
  values: Float32Array;
  photometric: string;
  modality: string | undefined;
  bodyPart: string | undefined;
  /** Window from the header (first of several), if any. */
  headerWindow: [number, number] | undefined;
}

/**
 * The most pixels (Rows × Columns of one frame) decoded by default: 2^25, about 33.5 million.
 * The largest real projection images (mammography, 4096 × 5625 = 23 million) fit with room to
 * spare; one grey 16-bit frame at the limit needs about 0.4 GB while it is decoded (stored bytes,
 * 32-bit integers and 32-bit floats). A file that declares more is rejected before any decoding.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 25;

export interface DecodeOptions {
  /** Refuse frames with more pixels than this (Rows × Columns), before decoding. Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
}

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);

function floats(ds: DataSet, tag: string): number[] {
  const raw = ds.string(tag);
  if (!raw) return [];
  return raw.split('\\').map((s) => Number.parseFloat(s)).filter((n) => Number.isFinite(n));
}

/** The encoded bytes of frame `index` of an encapsulated Pixel Data element. */
function encapsulatedFrame(ds: DataSet, index: number, numFrames: number): Uint8Array {
  const el = ds.elements['x7fe00010'];
  if (!el) throw new HeaderProblem('no-pixel-data', 'no Pixel Data (7FE0,0010)');
  const fragments = el.fragments ?? [];
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, el, index);
  if (numFrames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
  if (fragments.length === numFrames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index, 1);
  return dicomParser.readEncapsulatedImageFrame(ds, el, index, dicomParser.createJPEGBasicOffsetTable(ds, el));
}

/** Stored sample bytes (little-endian) of one frame, uncompressed or decoded. */
async function frameBytes(ds: DataSet, bytes: Uint8Array, frame: number, g: { rows: number; columns: number; samplesPerPixel: number; bitsAllocated: number; numFrames: number; maxPixels: number }): Promise<{ data: Uint8Array; bigEndian: boolean }> {
  const ts = ds.string('x00020010')?.trim() ?? '1.2.840.10008.1.2';
  const el = ds.elements['x7fe00010'];
  if (!el) throw new HeaderProblem('no-pixel-data', 'no Pixel Data (7FE0,0010)');
  if (UNCOMPRESSED.has(ts) && !el.encapsulatedPixelData) {
    const frameLen = (g.rows * g.columns * g.samplesPerPixel * g.bitsAllocated) / 8;
    const start = el.dataOffset + frame * frameLen;
    if (start + frameLen > bytes.length || (el.length !== undefined && (frame + 1) * frameLen > el.length)) {
      throw new HeaderProblem('truncated', `Pixel Data too short for frame ${frame + 1} (${frameLen} bytes per frame)`);
    }
    return { data: bytes.subarray(start, start + frameLen), bigEndian: ts === '1.2.840.10008.1.2.2' };
  }
  if (!SUPPORTED_TRANSFER_SYNTAXES.has(ts)) throw new HeaderProblem('unsupported-transfer-syntax', `unsupported transfer syntax ${ts}`);
  const encoded = encapsulatedFrame(ds, frame, g.numFrames);
  // The codec allocates what the frame's own header declares, whatever the DICOM header says.
  if (SELF_DESCRIBING_SYNTAXES.has(ts)) {
    const d = declaredFrame(ts, encoded);
    if (!d) throw new HeaderProblem('frame-mismatch', `the ${SUPPORTED_TRANSFER_SYNTAXES.get(ts) ?? ts} frame has no readable frame header`);
    if (d.rows * d.columns > g.maxPixels) {
      throw new HeaderProblem('too-large', `the compressed frame declares ${d.columns} x ${d.rows} pixels, over the limit of ${g.maxPixels} (option \`maxPixels\`)`);
    }
    if (d.rows !== g.rows || d.columns !== g.columns || d.components !== g.samplesPerPixel) {
      throw new HeaderProblem('frame-mismatch', `the compressed frame declares ${d.columns} x ${d.rows} pixels of ${d.components} component(s), ` +
        `the DICOM header ${g.columns} x ${g.rows} of ${g.samplesPerPixel}`);
    }
  }
  try {
    return { data: await decodeCompressedFrame(ts, encoded, g), bigEndian: false };
  } catch (error) {
    throw new HeaderProblem('unsupported-transfer-syntax', `could not decode ${SUPPORTED_TRANSFER_SYNTAXES.get(ts) ?? ts} frame: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Stored values -> modality values. `data` holds little- or big-endian samples; BitsStored bits are
 * kept (sign-extended when PixelRepresentation is 1) and the linear modality LUT applied.
 * Output: [numPixels] row-major; colour becomes luminance (Rec. 601), YBR its Y channel.
 */
export function modalityValues(data: Uint8Array, bigEndian: boolean, numPixels: number, samples: number, planar: boolean,
  bitsAllocated: number, bitsStored: number, signed: boolean, slope: number, intercept: number, photometric: string): Float32Array {
  // Samples as integers first: [numPixels × samples] (interleaved) or [samples × numPixels] (planar).
  const count = numPixels * samples;
  const ints = new Int32Array(count);
  const shift = 32 - bitsStored;
  const mask = bitsStored >= 32 ? -1 : (2 ** bitsStored) - 1;
  if (bitsAllocated === 8) {
    for (let k = 0; k < count; k++) ints[k] = data[k] as number;
  } else if (bitsAllocated === 16 && !bigEndian && data.byteOffset % 2 === 0) {
    const u16 = new Uint16Array(data.buffer, data.byteOffset, count); // aligned: read in place
    for (let k = 0; k < count; k++) ints[k] = u16[k] as number;
  } else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const little = !bigEndian;
    if (bitsAllocated === 16) for (let k = 0; k < count; k++) ints[k] = view.getUint16(k * 2, little);
    else for (let k = 0; k < count; k++) ints[k] = view.getUint32(k * 4, little) | 0;
  }
  if (signed) for (let k = 0; k < count; k++) ints[k] = ((ints[k] as number) << shift) >> shift;
  else if (bitsStored < 32) for (let k = 0; k < count; k++) ints[k] = (ints[k] as number) & mask;
  const out = new Float32Array(numPixels);
  if (samples === 1) {
    for (let i = 0; i < numPixels; i++) out[i] = (ints[i] as number) * slope + intercept;
    return out;
  }
  const ybr = photometric.startsWith('YBR');
  const step = planar ? numPixels : 1;
  for (let i = 0; i < numPixels; i++) {
    const k0 = planar ? i : i * samples;
    const r = ints[k0] as number;
    const v = ybr ? r : 0.299 * r + 0.587 * (ints[k0 + step] as number) + 0.114 * (ints[k0 + 2 * step] as number);
    out[i] = v * slope + intercept;
  }
  return out;
}

/**
 * Decodes frame `frame` (0-based) of a DICOM file to modality values. The declared size is checked
 * against `maxPixels` before anything is decoded or allocated, for every transfer syntax, and a
 * compressed frame's own header must agree with it (decompression bombs, PS3.5 8.2).
 */
export async function decodeImage(bytes: Uint8Array, frame = 0, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(Number.isInteger(maxPixels) && maxPixels > 0)) throw new RangeError(`maxPixels must be a positive integer, got ${maxPixels}`);
  const ds = parseDataSet(bytes);
  if (!ds.elements['x7fe00010']) throw new HeaderProblem('no-pixel-data', 'no Pixel Data (7FE0,0010)');
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  if (rows === 0 || columns === 0) throw new HeaderProblem('no-pixel-data', 'Rows or Columns missing');
  // Only one frame is ever decoded (and held) at a time, so the frame count does not multiply memory.
  if (rows * columns > maxPixels) throw new HeaderProblem('too-large', `the header declares ${columns} x ${rows} pixels, over the limit of ${maxPixels} (option \`maxPixels\`)`);
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new HeaderProblem('unsupported-transfer-syntax', `SamplesPerPixel ${samplesPerPixel} is not supported (1 or 3)`);
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const planar = (ds.uint16('x00280006') ?? 0) === 1;
  const numFrames = Math.max(1, Number.parseInt(ds.string('x00280008') ?? '1', 10) || 1);
  if (frame < 0 || frame >= numFrames) throw new RangeError(`frame ${frame} out of range (the image has ${numFrames})`);
  if (![8, 16, 32].includes(bitsAllocated)) throw new HeaderProblem('unsupported-transfer-syntax', `BitsAllocated ${bitsAllocated} is not supported`);
  const photometric = ds.string('x00280004')?.trim() ?? 'MONOCHROME2';
  const { data, bigEndian } = await frameBytes(ds, bytes, frame, { rows, columns, samplesPerPixel, bitsAllocated, numFrames, maxPixels });
  // Decoders for colour JPEG return interleaved samples whatever PlanarConfiguration says.
  const compressed = !UNCOMPRESSED.has(ds.string('x00020010')?.trim() ?? '1.2.840.10008.1.2');
  const slope = floats(ds, 'x00281053')[0] ?? 1;
  const intercept = floats(ds, 'x00281052')[0] ?? 0;
  const values = modalityValues(data, bigEndian, rows * columns, samplesPerPixel, planar && !compressed, bitsAllocated, bitsStored, signed, slope, intercept, photometric);
  const wc = floats(ds, 'x00281050')[0];
  const ww = floats(ds, 'x00281051')[0];
  return {
    rows, columns, numFrames, values, photometric,
    modality: ds.string('x00080060')?.trim(), bodyPart: ds.string('x00180015')?.trim(),
    headerWindow: wc !== undefined && ww !== undefined && ww > 0 ? [wc, ww] : undefined,
  };
}
