import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sharp from 'sharp';
import { applyMask, formatMaskRegions, inRects, keepOnlyMasked, maskRects, parseMaskRegions, type MaskRegion } from './mask.js';
import { decodeGrey, padGeometry, outputRect, renderGrey } from '../collections/render.js';
import { MEDPIX_OVERLAY } from '../collections/medpix.js';

/** A mid-grey "anatomy" image with burned-in strokes painted where MedPix draws its overlay, at its largest measured scale. */
function paintedOverlay(width: number, height: number): { pixels: Uint8Array; text: Set<number> } {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = 40 + ((x * 7 + y * 3) % 60);
  const L = Math.max(width, height);
  const text = new Set<number>();
  const stroke = (x0: number, y0: number, x1: number, y1: number): void => {
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(height, Math.round(y1)); y++) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(width, Math.round(x1)); x++) {
        // thin vertical strokes, 1 px wide every 3 px: letters
        if ((x - Math.round(x0)) % 3 === 0) {
          pixels[y * width + x] = 220;
          text.add(y * width + x);
        }
      }
    }
  };
  // The logo: measured up to 0.41 L from the right edge and 0.098 L from the top.
  stroke(width - 0.41 * L, 0.03 * L, width - 0.045 * L, 0.098 * L);
  // The uploader band: two lines of text, measured up to 0.078 L from the bottom.
  stroke(0, height - 0.078 * L, width, height - 0.045 * L);
  stroke(0, height - 0.037 * L, width, height - 0.004 * L);
  return { pixels, text };
}

test('maskRects: regions are fractions of the longest side, anchored, rounded outwards and clipped', () => {
  assert.deepEqual(maskRects(256, 256, MEDPIX_OVERLAY), [{ x: 256 - 116, y: 0, w: 116, h: 31 }, { x: 0, y: 256 - 24, w: 256, h: 24 }]);
  // Portrait 200 × 256: sizes follow the longest side (256), the band spans the width.
  assert.deepEqual(maskRects(200, 256, MEDPIX_OVERLAY), [{ x: 200 - 116, y: 0, w: 116, h: 31 }, { x: 0, y: 256 - 24, w: 200, h: 24 }]);
  // Clipped to a narrow image.
  assert.deepEqual(maskRects(100, 512, [{ anchor: 'top-left', width: 0.5, height: 0.1 }]), [{ x: 0, y: 0, w: 100, h: 52 }]);
  assert.deepEqual(maskRects(100, 50, [{ anchor: 'bottom-right', width: 0.1, height: 0.2 }, { anchor: 'top', height: 0 }]), [{ x: 90, y: 30, w: 10, h: 20 }]);
});

test('applyMask and keepOnlyMasked split every image into two disjoint parts that add up to it', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }),
    fc.array(fc.record({ anchor: fc.constantFrom('top-left', 'top-right', 'bottom-left', 'bottom-right', 'top', 'bottom'), width: fc.double({ min: 0, max: 1, noNaN: true }), height: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 3 }),
    fc.integer(),
    (w, h, channels, regions, seed) => {
      const px = new Uint8Array(w * h * channels).map((_, i) => 1 + ((i * 31 + seed) & 0x7f));
      const masked = applyMask(px, w, h, regions as MaskRegion[], channels);
      const kept = keepOnlyMasked(px, w, h, regions as MaskRegion[], channels);
      const rects = maskRects(w, h, regions as MaskRegion[]);
      for (let i = 0; i < px.length; i++) {
        const p = Math.floor(i / channels);
        const inside = inRects(rects, p % w, Math.floor(p / w));
        assert.equal(masked[i], inside ? 0 : px[i]);
        assert.equal(kept[i], inside ? px[i] : 0);
        assert.equal((masked[i] as number) + (kept[i] as number), px[i]);
      }
    },
  ), { numRuns: 200 });
});

test('parseMaskRegions reads what formatMaskRegions writes and refuses bad specs with the reason', () => {
  const spec = 'top-right:0.45x0.12,bottom:0.09';
  assert.deepEqual(parseMaskRegions(spec), MEDPIX_OVERLAY);
  assert.equal(formatMaskRegions(parseMaskRegions(spec)), spec);
  assert.throws(() => parseMaskRegions('middle:0.1x0.1'), /anchor/);
  assert.throws(() => parseMaskRegions('bottom:0.1x0.2'), /full-width band takes a height only/);
  assert.throws(() => parseMaskRegions('top-left:0.1'), /corner region takes WIDTHxHEIGHT/);
  assert.throws(() => parseMaskRegions('top-left:1.5x0.1'), /fractions of the longest side/);
});

test('no burned-in pixel survives the MedPix mask (synthetic overlay at the largest measured scale), and the complement keeps all of them', async () => {
  for (const [w, h] of [[256, 256], [214, 256], [256, 164], [512, 512], [323, 270]] as const) {
    const { pixels, text } = paintedOverlay(w, h);
    assert.ok(text.size > 200, 'the painting drew text');
    const masked = applyMask(pixels, w, h, MEDPIX_OVERLAY);
    for (const i of text) assert.equal(masked[i], 0, `${w}x${h}: text pixel ${i} survived`);
    const only = keepOnlyMasked(pixels, w, h, MEDPIX_OVERLAY);
    for (const i of text) assert.equal(only[i], 220);

    // Through the renderer too: the PNG carries no stroke anywhere, the regions are exactly 0, and
    // the rest of the image is what it was (on a square source, where nothing is resampled).
    const size = 256;
    const png = await renderGrey({ pixels, width: w, height: h }, { size, mask: MEDPIX_OVERLAY });
    const out = await decodeGrey(png.png);
    assert.equal(out.width, size);
    const g = padGeometry(w, h, size);
    const mapped = png.rects.map((r) => outputRect(r, g, size));
    for (const r of mapped) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) assert.equal(out.pixels[y * size + x], 0);
    assert.equal([...out.pixels].filter((v) => v >= 200).length, 0, `${w}x${h}: a bright stroke survived in the PNG`);
    const onlyPng = await decodeGrey((await renderGrey({ pixels, width: w, height: h }, { size, mask: MEDPIX_OVERLAY, maskMode: 'only' })).png);
    const shown = [...onlyPng.pixels].filter((v) => v >= 120).length;
    assert.ok(shown > 100, `${w}x${h}: the complement shows the text (${shown} bright pixels)`);
    for (let i = 0; i < onlyPng.pixels.length; i++) {
      if (!inRects(mapped, i % size, Math.floor(i / size))) assert.equal(onlyPng.pixels[i], 0, 'the complement is 0 outside the regions');
    }
  }
});

test('images are padded to a square, centred, never stretched', async () => {
  // A 200 x 256 white rectangle: 28 black columns each side after padding, white in between.
  const white = { pixels: new Uint8Array(200 * 256).fill(255), width: 200, height: 256 };
  const out = await decodeGrey((await renderGrey(white, { size: 256 })).png);
  const row = out.pixels.subarray(128 * 256, 129 * 256);
  assert.deepEqual([...row.subarray(0, 28)], new Array(28).fill(0));
  assert.deepEqual([...row.subarray(256 - 28)], new Array(28).fill(0));
  assert.ok([...row.subarray(30, 226)].every((v) => v === 255));
  // 512 x 300 landscape, resampled to 256: 53 rows of padding above (floor(212 / 2) / 2), the image between.
  const wide = { pixels: new Uint8Array(512 * 300).fill(200), width: 512, height: 300 };
  const g = padGeometry(512, 300, 256);
  assert.deepEqual(g, { side: 512, left: 0, top: 106, scale: 0.5 });
  const o2 = await decodeGrey((await renderGrey(wide, { size: 256 })).png);
  const col = Array.from({ length: 256 }, (_, y) => o2.pixels[y * 256 + 128] as number);
  assert.ok(col.slice(0, 48).every((v) => v === 0) && col.slice(256 - 48).every((v) => v === 0), 'black above and below (Lanczos rings a pixel or two into the pad)');
  assert.ok(col.slice(56, 200).every((v) => v === 200), 'the image keeps its aspect: 150 rows of 256');
});

test('decodeGrey reads RGB, RGBA and 16-bit grey PNGs as 8-bit grey', async () => {
  const rgba = await sharp({ create: { width: 4, height: 3, channels: 4, background: { r: 90, g: 90, b: 90, alpha: 1 } } }).png().toBuffer();
  const a = await decodeGrey(rgba);
  assert.deepEqual([a.width, a.height, a.pixels.length], [4, 3, 12]);
  assert.ok([...a.pixels].every((v) => Math.abs(v - 90) <= 1));
  const grey16 = await sharp(Buffer.from(new Uint16Array(12).fill(65535).buffer), { raw: { width: 4, height: 3, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  const b = await decodeGrey(grey16);
  assert.ok([...b.pixels].every((v) => v === 255), `16-bit white reads as 255, got ${[...b.pixels]}`);
  await assert.rejects(decodeGrey(Buffer.from('not an image')));
});
