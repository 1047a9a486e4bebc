/**
 * The MedPix overlay regions, checked on every real image of ../shared/data/medpix2: the burned-in
 * logo and uploader band lie inside MEDPIX_OVERLAY. The measure is the density of thin bright
 * strokes (a pixel at least 25 grey levels above both neighbours two pixels away, across or down:
 * glyph strokes). Just outside a region that holds all the text, the density is that of anatomy:
 * the same as in a control area (for the band, the rows further up; for the logo, its mirror
 * image across the vertical midline, where MedPix draws nothing). With regions half as large,
 * text spills into the same ring and the density there rises well above the control: so the
 * check can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { applyMask, maskRects, type MaskRegion } from '../images/mask.js';
import { decodeGrey, type GreyImage } from './render.js';
import { MEDPIX_OVERLAY } from './medpix.js';

const IMAGES = 'medpix2/images';

function stroke(g: Uint8Array, w: number, h: number, x: number, y: number): number {
  const v = g[y * w + x] as number;
  if (v < 50) return 0;
  const across = x >= 2 && x < w - 2 && v - (g[y * w + x - 2] as number) >= 25 && v - (g[y * w + x + 2] as number) >= 25;
  const down = y >= 2 && y < h - 2 && v - (g[(y - 2) * w + x] as number) >= 25 && v - (g[(y + 2) * w + x] as number) >= 25;
  return across || down ? 1 : 0;
}

class Density {
  strokes = 0;
  pixels = 0;
  add(img: GreyImage, x0: number, y0: number, x1: number, y1: number): void {
    const { pixels: g, width: w, height: h } = img;
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(h, Math.round(y1)); y++) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(w, Math.round(x1)); x++) {
        this.pixels++;
        this.strokes += stroke(g, w, h, x, y);
      }
    }
  }
  get perMille(): number {
    return (1000 * this.strokes) / Math.max(1, this.pixels);
  }
}

interface Rings {
  bandIn: Density; bandRing: Density; bandControl: Density;
  logoIn: Density; logoRing: Density; logoMirror: Density;
}

const newRings = (): Rings => ({
  bandIn: new Density(), bandRing: new Density(), bandControl: new Density(),
  logoIn: new Density(), logoRing: new Density(), logoMirror: new Density(),
});

/** Adds one image to the densities of regions with a band of height `band` and a logo box `lw` × `lh` (fractions of L). */
function measure(r: Rings, img: GreyImage, band: number, lw: number, lh: number): void {
  const { width: w, height: h } = img;
  const L = Math.max(w, h);
  r.bandIn.add(img, 0, h - band * L, w, h);
  r.bandRing.add(img, 0, h - (band + 0.04) * L, w, h - band * L);
  r.bandControl.add(img, 0, h - 0.25 * L, w, h - 0.13 * L);
  r.logoIn.add(img, w - lw * L, 0, w, lh * L);
  r.logoRing.add(img, w - (lw + 0.1) * L, 0, w - lw * L, (lh + 0.04) * L);
  r.logoRing.add(img, w - lw * L, lh * L, w, (lh + 0.04) * L);
  r.logoMirror.add(img, lw * L, 0, (lw + 0.1) * L, (lh + 0.04) * L);
  r.logoMirror.add(img, 0, lh * L, lw * L, (lh + 0.04) * L);
}

/**
 * Height of the uploader band's text, as a fraction of L: the dark strip MedPix draws at the bottom
 * (rows at least 55 % darker than 40), and in it the rows with many sharp edges (letters).
 */
function bandTextHeight(img: GreyImage): number {
  const { pixels: g, width: w, height: h } = img;
  const L = Math.max(w, h);
  let strip = 0;
  for (let r = 0; r < Math.min(h, Math.ceil(0.25 * L)); r++) {
    let dark = 0;
    for (let x = 0; x < w; x++) if ((g[(h - 1 - r) * w + x] as number) < 40) dark++;
    if (dark >= 0.55 * w) strip = r + 1;
    else break;
  }
  let text = 0;
  for (let r = 0; r < strip; r++) {
    let edges = 0;
    for (let x = 0; x < w - 1; x++) if (Math.abs((g[(h - 1 - r) * w + x + 1] as number) - (g[(h - 1 - r) * w + x] as number)) > 30) edges++;
    if (edges >= Math.max(6, 0.04 * w)) text = r + 1;
  }
  return text / L;
}

test('MedPix: the burned-in logo and uploader band of all 2,050 real images lie inside MEDPIX_OVERLAY, and masking zeroes them', { skip: needsSharedData(IMAGES) }, async (t) => {
  const dir = path.join(sharedDataDir, IMAGES);
  const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  assert.equal(files.length, 2050);
  const band = MEDPIX_OVERLAY.find((r) => r.anchor === 'bottom') as MaskRegion;
  const logo = MEDPIX_OVERLAY.find((r) => r.anchor === 'top-right') as MaskRegion;
  const all = { full: newRings(), half: newRings() };
  const largest = { full: newRings(), half: newRings() };
  let largestCount = 0;
  let leftInMask = 0;
  for (const f of files) {
    const img = await decodeGrey(path.join(dir, f));
    measure(all.full, img, band.height, logo.width as number, logo.height);
    measure(all.half, img, band.height / 2, (logo.width as number) / 2, logo.height / 2);
    // The images drawn at the largest overlay scale (band text 5.5 % of L or more), where a too small region would show first.
    if (bandTextHeight(img) >= 0.055) {
      largestCount++;
      measure(largest.full, img, band.height, logo.width as number, logo.height);
      measure(largest.half, img, band.height / 2, (logo.width as number) / 2, logo.height / 2);
    }
    const masked = applyMask(img.pixels, img.width, img.height, MEDPIX_OVERLAY);
    for (const r of maskRects(img.width, img.height, MEDPIX_OVERLAY)) {
      for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) leftInMask += masked[y * img.width + x] as number;
    }
  }
  assert.equal(leftInMask, 0, 'every masked pixel is 0');
  assert.ok(largestCount >= 300, `${largestCount} images at the larger overlay scales`);
  const report = (name: string, r: Rings): string =>
    `${name}: band in ${r.bandIn.perMille.toFixed(1)} ring ${r.bandRing.perMille.toFixed(1)} control ${r.bandControl.perMille.toFixed(1)}; ` +
    `logo in ${r.logoIn.perMille.toFixed(1)} ring ${r.logoRing.perMille.toFixed(1)} mirror ${r.logoMirror.perMille.toFixed(1)} (strokes per 1000 px)`;
  const lines = [report('all, regions', all.full), report('all, half regions', all.half), report('largest scale, regions', largest.full), report('largest scale, half regions', largest.half)];
  const msg = lines.join('\n');
  for (const r of [all.full, largest.full]) {
    // The text is there (inside, strokes well above anatomy) ...
    assert.ok(r.bandIn.perMille > 1.4 * r.bandControl.perMille && r.logoIn.perMille > 1.4 * r.logoMirror.perMille, msg);
    // ... and none of it outside: just outside the regions, anatomy's density.
    assert.ok(r.bandRing.perMille < 1.1 * r.bandControl.perMille, msg);
    assert.ok(r.logoRing.perMille < 1.15 * r.logoMirror.perMille, msg);
  }
  // Regions half as large leave text outside, and the same measure sees it.
  assert.ok(all.half.bandRing.perMille > 1.2 * all.half.bandControl.perMille && all.half.logoRing.perMille > 1.5 * all.half.logoMirror.perMille, msg);
  assert.ok(largest.half.bandRing.perMille > 1.5 * largest.half.bandControl.perMille && largest.half.logoRing.perMille > 2 * largest.half.logoMirror.perMille, msg);
  for (const line of lines) t.diagnostic(line);
});
