/**
 * Key image -> PNG: decode, window, invert MONOCHROME1, resample to 256x256 with sharp (the
 * paper's size) and write a PNG with no metadata chunks, so no header identifier leaks into it.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from './pixels.js';
import { applyWindow, chooseWindow } from './window.js';

export interface PngOptions {
  /** Output side in pixels (square). Default 256, as in the paper. */
  size?: number;
  /** Frame of a multi-frame image, 0-based. Default 0. */
  frame?: number;
  /** [centre, width], or a preset name (CHEST, LUNG, HEAD, ...). Default: header, else preset by body part. */
  window?: [number, number] | string;
  /** Refuse images whose frames declare more pixels than this, before decoding (default DEFAULT_MAX_PIXELS, pixels.ts). */
  maxPixels?: number;
}

export interface PngResult {
  png: Buffer;
  sourceRows: number;
  sourceColumns: number;
  window: [number, number];
  windowFrom: string;
}

/** Renders a DICOM file (path or bytes) as a grey PNG. */
export async function renderKeyImage(input: string | Uint8Array, options: PngOptions = {}): Promise<PngResult> {
  const bytes = typeof input === 'string' ? new Uint8Array(readFileSync(input)) : input;
  const img = await decodeImage(bytes, options.frame ?? 0, options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {});
  const { window, from } = chooseWindow(img, options.window);
  const grey = applyWindow(img.values, window, img.photometric === 'MONOCHROME1');
  const size = options.size ?? 256;
  const png = await sharp(Buffer.from(grey.buffer, grey.byteOffset, grey.byteLength), { raw: { width: img.columns, height: img.rows, channels: 1 } })
    .resize(size, size, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, sourceRows: img.rows, sourceColumns: img.columns, window, windowFrom: from };
}

/** Converts a DICOM file to a PNG file; returns what was done. */
export async function convertToPng(input: string | Uint8Array, outFile: string, options: PngOptions = {}): Promise<PngResult & { path: string }> {
  const result = await renderKeyImage(input, options);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, result.png);
  return { ...result, path: outFile };
}

/** The chunk types of a PNG file (to check that no text chunk carries identifiers). */
export function pngChunkTypes(png: Uint8Array): string[] {
  const types: string[] = [];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8;
  while (p + 8 <= png.length) {
    const len = view.getUint32(p);
    types.push(String.fromCharCode(png[p + 4] as number, png[p + 5] as number, png[p + 6] as number, png[p + 7] as number));
    p += 12 + len;
  }
  return types;
}
