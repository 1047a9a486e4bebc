/**
 * A collection image (PNG, JPEG, any format sharp reads) -> the network's input: 8-bit grey,
 * burned-in regions masked, PADDED to a square and resized to size × size.
 *
 * Padding, not stretching: the image is centred on a square of side max(width, height) filled
 * with 0 (left and top pad = floor of half the difference, so an odd remainder goes right or
 * below), then resampled with Lanczos-3 to size × size (the paper's 256). Anatomy keeps its aspect
 * ratio; a 200 × 256 slice becomes a 200-wide image on a black 256 square.
 *
 * The mask is applied on the source pixels, before resampling (so no text can bleed through the
 * kernel), and again on the output pixels the regions map to (rounded outwards), so the regions
 * are exactly 0 in the PNG as well. mode 'only' is the complement: only the regions are kept.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { applyMask, fillRect, keepOnlyMasked, maskRects, type MaskRegion, type PixelRect } from '../images/mask.js';

/** Sources larger than this many pixels are refused (a decompression bomb guard). */
export const DEFAULT_MAX_SOURCE_PIXELS = 64 * 1024 * 1024;

export type MaskMode = 'remove' | 'only';

export interface RenderOptions {
  /** Output side in pixels. Default 256. */
  size?: number;
  /** Regions to mask; none when empty or left out. */
  mask?: readonly MaskRegion[];
  /** 'remove' (default): the regions become 0. 'only': everything but the regions becomes 0. */
  maskMode?: MaskMode;
  maxSourcePixels?: number;
}

export interface RenderedImage {
  png: Buffer;
  sourceRows: number;
  sourceColumns: number;
  /** The masked rectangles in source pixels. */
  rects: PixelRect[];
}

export interface GreyImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Decodes any image sharp reads to 8-bit grey (alpha flattened onto black). */
export async function decodeGrey(input: string | Uint8Array, maxSourcePixels = DEFAULT_MAX_SOURCE_PIXELS): Promise<GreyImage> {
  const bytes = typeof input === 'string' ? readFileSync(input) : input;
  const { data, info } = await sharp(bytes, { limitInputPixels: maxSourcePixels })
    .flatten({ background: '#000000' })
    .toColourspace('b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const pixels = info.channels === 1 ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : firstChannel(data, info.channels);
  return { pixels, width: info.width, height: info.height };
}

function firstChannel(data: Buffer, channels: number): Uint8Array {
  const out = new Uint8Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels] as number;
  return out;
}

/** Where the source sits on the padded square and how the square maps to the output. */
export interface PadGeometry {
  side: number;
  left: number;
  top: number;
  scale: number;
}

export function padGeometry(width: number, height: number, size: number): PadGeometry {
  const side = Math.max(width, height);
  return { side, left: Math.floor((side - width) / 2), top: Math.floor((side - height) / 2), scale: size / side };
}

/** A source rectangle in output pixels, rounded outwards. */
export function outputRect(r: PixelRect, g: PadGeometry, size: number): PixelRect {
  const x0 = Math.max(0, Math.floor((r.x + g.left) * g.scale));
  const y0 = Math.max(0, Math.floor((r.y + g.top) * g.scale));
  const x1 = Math.min(size, Math.ceil((r.x + r.w + g.left) * g.scale));
  const y1 = Math.min(size, Math.ceil((r.y + r.h + g.top) * g.scale));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Centres grey pixels on a side × side square of zeros. */
export function padToSquare(img: GreyImage): { pixels: Uint8Array; side: number; left: number; top: number } {
  const { side, left, top } = padGeometry(img.width, img.height, 1);
  if (side === img.width && side === img.height) return { pixels: img.pixels, side, left, top };
  const out = new Uint8Array(side * side);
  for (let y = 0; y < img.height; y++) out.set(img.pixels.subarray(y * img.width, (y + 1) * img.width), (y + top) * side + left);
  return { pixels: out, side, left, top };
}

/** Renders grey pixels as the size × size PNG (see the file comment). */
export async function renderGrey(img: GreyImage, options: RenderOptions = {}): Promise<RenderedImage> {
  const size = options.size ?? 256;
  const regions = options.mask ?? [];
  const mode = options.maskMode ?? 'remove';
  const rects = maskRects(img.width, img.height, regions);
  const source = rects.length === 0 ? img.pixels
    : mode === 'only' ? keepOnlyMasked(img.pixels, img.width, img.height, regions)
    : applyMask(img.pixels, img.width, img.height, regions);
  const square = padToSquare({ pixels: source, width: img.width, height: img.height });
  const g = padGeometry(img.width, img.height, size);
  let out: Uint8Array;
  if (square.side === size) out = Uint8Array.from(square.pixels);
  else {
    const resized = await sharp(Buffer.from(square.pixels.buffer, square.pixels.byteOffset, square.pixels.byteLength), { raw: { width: square.side, height: square.side, channels: 1 } })
      .resize(size, size, { fit: 'fill', kernel: 'lanczos3' })
      .toColourspace('b-w')
      .raw({ depth: 'uchar' })
      .toBuffer();
    if (resized.length !== size * size) throw new Error(`resampling gave ${resized.length} values, not ${size}x${size}`);
    out = new Uint8Array(resized.buffer, resized.byteOffset, resized.byteLength);
  }
  if (rects.length) {
    const mapped = rects.map((r) => outputRect(r, g, size));
    if (mode === 'remove') for (const r of mapped) fillRect(out, size, 1, r, 0);
    else out = keepOnlyRects(out, size, mapped);
  }
  const png = await sharp(Buffer.from(out.buffer, out.byteOffset, out.byteLength), { raw: { width: size, height: size, channels: 1 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, sourceRows: img.height, sourceColumns: img.width, rects };
}

function keepOnlyRects(pixels: Uint8Array, width: number, rects: readonly PixelRect[]): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++) out.set(pixels.subarray(y * width + r.x, y * width + r.x + r.w), y * width + r.x);
  }
  return out;
}

/**
 * Renders one collection image (a file or its bytes): what the collection stage stores as the
 * key-image PNG, and, with maskMode 'only', the "removed regions alone" image of the same geometry.
 */
export async function renderCollectionImage(input: string | Uint8Array, options: RenderOptions = {}): Promise<RenderedImage> {
  return renderGrey(await decodeGrey(input, options.maxSourcePixels), options);
}
