/**
 * Masks for burned-in annotation: text and logos drawn into the pixels (a teaching file's
 * watermark and uploader line, a secondary capture's patient banner). A network trained on such
 * images can learn who uploaded a case instead of anatomy, so they are blanked before training.
 *
 * A region is anchored to a corner or an edge of the image, with its size given as a fraction of
 * the image's LONGEST side: the annotation is drawn at a fixed size on the original and the image
 * is then scaled as a whole, so its extent scales with the image, and the longest side is the
 * measure that survives any later fit to a square. Regions are clipped to the image.
 */
import { OptionsError } from '../util/errors.js';

export type MaskAnchor = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'top' | 'bottom';
export const MASK_ANCHORS: readonly MaskAnchor[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'top', 'bottom'];

export interface MaskRegion {
  anchor: MaskAnchor;
  /** Width as a fraction of the longest side; ignored by the full-width bands 'top' and 'bottom'. */
  width?: number;
  /** Height as a fraction of the longest side. */
  height: number;
}

/** A rectangle in pixels: columns [x, x + w), rows [y, y + h). */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The pixel rectangles of `regions` on a width × height image (rounded outwards, clipped). */
export function maskRects(width: number, height: number, regions: readonly MaskRegion[]): PixelRect[] {
  const longest = Math.max(width, height);
  const rects: PixelRect[] = [];
  for (const r of regions) {
    const band = r.anchor === 'top' || r.anchor === 'bottom';
    const h = Math.min(height, Math.ceil(r.height * longest - 1e-9));
    const w = band ? width : Math.min(width, Math.ceil((r.width ?? 0) * longest - 1e-9));
    if (w <= 0 || h <= 0) continue;
    const x = r.anchor.endsWith('right') ? width - w : 0;
    const y = r.anchor.startsWith('bottom') ? height - h : 0;
    rects.push({ x, y, w, h });
  }
  return rects;
}

/** True when pixel (x, y) lies in one of the rectangles. */
export function inRects(rects: readonly PixelRect[], x: number, y: number): boolean {
  for (const r of rects) if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return true;
  return false;
}

/**
 * A copy of interleaved pixels (`channels` per pixel) with the regions set to 0: what the
 * network sees when masking is on.
 */
export function applyMask(pixels: Uint8Array, width: number, height: number, regions: readonly MaskRegion[], channels = 1): Uint8Array {
  checkSize(pixels, width, height, channels);
  const out = Uint8Array.from(pixels);
  for (const r of maskRects(width, height, regions)) fillRect(out, width, channels, r, 0);
  return out;
}

/**
 * The complement: a copy with everything OUTSIDE the regions set to 0, so only what the mask
 * removes is left. Training on these images measures how much the burned-in text alone says.
 */
export function keepOnlyMasked(pixels: Uint8Array, width: number, height: number, regions: readonly MaskRegion[], channels = 1): Uint8Array {
  checkSize(pixels, width, height, channels);
  const out = new Uint8Array(pixels.length);
  for (const r of maskRects(width, height, regions)) {
    for (let y = r.y; y < r.y + r.h; y++) {
      const start = (y * width + r.x) * channels;
      out.set(pixels.subarray(start, start + r.w * channels), start);
    }
  }
  return out;
}

/** Sets a rectangle of interleaved pixels to `value` (in place). */
export function fillRect(pixels: Uint8Array, width: number, channels: number, r: PixelRect, value: number): void {
  for (let y = r.y; y < r.y + r.h; y++) {
    const start = (y * width + r.x) * channels;
    pixels.fill(value, start, start + r.w * channels);
  }
}

function checkSize(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (pixels.length !== width * height * channels) {
    throw new OptionsError(`pixel buffer holds ${pixels.length} values, not ${width}x${height}x${channels}`);
  }
}

/**
 * Parses regions written as `anchor:WxH` or, for the bands, `anchor:H`, comma-separated, sizes as
 * fractions of the longest side: "top-right:0.45x0.12,bottom:0.09".
 */
export function parseMaskRegions(spec: string): MaskRegion[] {
  const regions: MaskRegion[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z-]+):(\d*\.?\d+)(?:x(\d*\.?\d+))?$/.exec(part);
    const anchor = m?.[1] as MaskAnchor | undefined;
    if (!m || !anchor || !MASK_ANCHORS.includes(anchor)) {
      throw new OptionsError(`mask region '${part}' is not anchor:WIDTHxHEIGHT or top|bottom:HEIGHT (anchors: ${MASK_ANCHORS.join(', ')})`);
    }
    const band = anchor === 'top' || anchor === 'bottom';
    const a = Number(m[2]);
    const b = m[3] === undefined ? undefined : Number(m[3]);
    if (band !== (b === undefined)) {
      throw new OptionsError(`mask region '${part}': ${band ? 'a full-width band takes a height only' : 'a corner region takes WIDTHxHEIGHT'}`);
    }
    const region: MaskRegion = band ? { anchor, height: a } : { anchor, width: a, height: b as number };
    for (const v of [region.width ?? 0, region.height]) {
      if (!(v >= 0 && v <= 1)) throw new OptionsError(`mask region '${part}': sizes are fractions of the longest side, 0 to 1`);
    }
    regions.push(region);
  }
  return regions;
}

/** The inverse of parseMaskRegions. */
export function formatMaskRegions(regions: readonly MaskRegion[]): string {
  return regions.map((r) => (r.anchor === 'top' || r.anchor === 'bottom' ? `${r.anchor}:${r.height}` : `${r.anchor}:${r.width ?? 0}x${r.height}`)).join(',');
}
