/**
 * VOI windowing: modality values -> 8-bit grey with the linear window of PS3.3 C.11.2.1.2,
 * a preset per body region for CT when the header has none, else the 1st-99th percentile range.
 */
import type { DecodedImage } from './pixels.js';

/** CT window presets [centre, width] in HU, by BodyPartExamined keyword. */
export const CT_PRESETS: Readonly<Record<string, [number, number]>> = {
  HEAD: [40, 80], BRAIN: [40, 80], NECK: [50, 350], CHEST: [40, 400], LUNG: [-600, 1500], ABDOMEN: [50, 400],
  PELVIS: [50, 400], CHESTABDPELVIS: [50, 400], SPINE: [400, 1800], LSPINE: [400, 1800], EXTREMITY: [400, 1800], BREAST: [50, 400],
};

/** The window to use: an explicit one, the header's, a CT preset, or the data's 1-99% range. */
export function chooseWindow(img: DecodedImage, explicit?: [number, number] | string): { window: [number, number]; from: 'explicit' | 'header' | 'preset' | 'data' } {
  if (Array.isArray(explicit)) return { window: explicit, from: 'explicit' };
  if (typeof explicit === 'string') {
    const preset = CT_PRESETS[explicit.toUpperCase()];
    if (preset) return { window: preset, from: 'preset' };
  }
  if (img.headerWindow) return { window: img.headerWindow, from: 'header' };
  if (img.modality === 'CT') {
    const part = (img.bodyPart ?? '').toUpperCase();
    for (const [key, w] of Object.entries(CT_PRESETS)) if (part.includes(key)) return { window: w, from: 'preset' };
    return { window: [40, 400], from: 'preset' };
  }
  return { window: percentileWindow(img.values), from: 'data' };
}

/** [centre, width] spanning the 1st to the 99th percentile of the values (sampled). */
export function percentileWindow(values: Float32Array): [number, number] {
  const step = Math.max(1, Math.floor(values.length / 65536));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = values[i] as number;
  sample.sort();
  const lo = sample[Math.floor(sample.length * 0.01)] as number;
  const hi = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.99))] as number;
  const width = Math.max(1, hi - lo);
  return [lo + width / 2, width];
}

/** Applies the linear VOI function and, for MONOCHROME1, inverts (white = low values). */
export function applyWindow(values: Float32Array, window: [number, number], invert: boolean): Uint8Array {
  const [c, w] = window;
  const out = new Uint8Array(values.length);
  const width = Math.max(1, w);
  const lo = c - 0.5 - (width - 1) / 2;
  const hi = c - 0.5 + (width - 1) / 2;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    let y: number;
    if (x <= lo) y = 0;
    else if (x > hi) y = 255;
    else y = ((x - (c - 0.5)) / (width - 1) + 0.5) * 255;
    if (width <= 1) y = x > c ? 255 : 0;
    const v = Math.round(y);
    out[i] = invert ? 255 - v : v;
  }
  return out;
}
