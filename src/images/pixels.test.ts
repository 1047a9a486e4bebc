import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { writePart10 } from '../sample/dicom.js';
import { decodeImage } from './pixels.js';
import { applyWindow, chooseWindow } from './window.js';
import { decodeRle, encodeRle } from './rle.js';
import { encodeLossless } from './codecs.js';
import { readImageHeader } from './header.js';

const require = createRequire(import.meta.url);
const N = 16;

/** A minimal image dataset with the given pixel module. */
function image(pixel: Record<string, unknown>, pixels: ArrayBufferView, vr: 'OW' | 'OB' = 'OW'): Record<string, unknown> {
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: '2.25.42', StudyInstanceUID: '2.25.43', SeriesInstanceUID: '2.25.44',
    Modality: 'OT', Rows: N, Columns: N, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 0, ...pixel,
    PixelData: [pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength)], _vrMap: { PixelData: vr },
  };
}

const ramp = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

test('modality LUT: unsigned 12-bit with slope and intercept gives Hounsfield units', async () => {
  const stored = Uint16Array.from(ramp(N * N, (i) => (i * 16) % 4096));
  const file = writePart10(image({ BitsStored: 12, HighBit: 11, RescaleSlope: 2, RescaleIntercept: -1024, Modality: 'CT' }, stored));
  const img = await decodeImage(file);
  for (let i = 0; i < N * N; i++) assert.equal(img.values[i], (stored[i] as number) * 2 - 1024);
});

test('signed pixels: 16-bit two\'s complement, and BitsStored 12 sign-extended', async () => {
  const values = Int16Array.from(ramp(N * N, (i) => i * 9 - 1200));
  const img = await decodeImage(writePart10(image({ PixelRepresentation: 1 }, values)));
  assert.deepEqual(Array.from(img.values), Array.from(values));
  // 12 bits stored in 16 allocated, with junk in the top 4 bits: -5 is 0xFFB in 12 bits.
  const packed = Uint16Array.from(ramp(N * N, (i) => (i % 2 ? 0xfffb : 0xa005)));
  const img12 = await decodeImage(writePart10(image({ PixelRepresentation: 1, BitsStored: 12, HighBit: 11 }, packed)));
  assert.equal(img12.values[0], 5);
  assert.equal(img12.values[1], -5);
});

test('8-bit unsigned pixels and multi-frame images (each frame decoded on its own)', async () => {
  const frames = 3;
  const bytes = Uint8Array.from(ramp(N * N * frames, (i) => (Math.floor(i / (N * N)) * 50 + ((i % (N * N)) % 7)) & 0xff));
  const file = writePart10(image({ BitsAllocated: 8, BitsStored: 8, HighBit: 7, NumberOfFrames: frames }, bytes, 'OB'));
  assert.equal(readImageHeader(file).numFrames, 3);
  for (let f = 0; f < frames; f++) {
    const img = await decodeImage(file, f);
    assert.equal(img.numFrames, 3);
    assert.equal(img.values[0], f * 50);
    assert.equal(img.values[5], f * 50 + 5);
  }
  await assert.rejects(decodeImage(file, 3), /frame 3 out of range/);
});

test('VOI window from the header, a CT preset by body part, and MONOCHROME1 inversion', async () => {
  const values = Uint16Array.from(ramp(N * N, (i) => i * 16));
  const mono1 = await decodeImage(writePart10(image({ PhotometricInterpretation: 'MONOCHROME1', WindowCenter: 2048, WindowWidth: 4096 }, values)));
  const w = chooseWindow(mono1);
  assert.deepEqual(w, { window: [2048, 4096], from: 'header' });
  const grey = applyWindow(mono1.values, w.window, mono1.photometric === 'MONOCHROME1');
  assert.equal(grey[0], 255); // lowest value shows white in MONOCHROME1
  assert.ok((grey[N * N - 1] as number) < 5);
  const ct = await decodeImage(writePart10(image({ Modality: 'CT', BodyPartExamined: 'HEAD', RescaleIntercept: -1024, RescaleSlope: 1 }, values)));
  assert.deepEqual(chooseWindow(ct), { window: [40, 80], from: 'preset' });
  const brain = applyWindow(Float32Array.from([-1000, 0, 40, 80, 1000]), [40, 80], false);
  assert.deepEqual(Array.from(brain), [0, 0, 129, 255, 255]);
});

test('RLE Lossless (PS3.5 Annex G): encode/decode round trip and a DICOM file', async () => {
  const values = Uint16Array.from(ramp(N * N, (i) => (i < 100 ? 7 : (i * 37) % 4096)));
  const bytes = new Uint8Array(values.buffer);
  const rle = encodeRle(bytes, N * N, 1, 16);
  assert.deepEqual(decodeRle(rle, N, N, 1, 16), bytes);
  const img = await decodeImage(writePart10(image({}, rle, 'OB'), '1.2.840.10008.1.2.5'));
  assert.deepEqual(Array.from(img.values), Array.from(values));
  assert.throws(() => decodeRle(rle.subarray(0, 40), N, N, 1, 16), /too short/);
});

test('JPEG 2000 and JPEG-LS lossless frames decode through the npm codecs', async () => {
  // OpenJPEG's default five decomposition levels need at least 32x32.
  const M = 32;
  const values = Uint16Array.from(ramp(M * M, (i) => (i * 131) % 4096));
  const geometry = { rows: M, columns: M, samplesPerPixel: 1, bitsAllocated: 16, signed: false, bitsStored: 12 };
  for (const [kind, ts] of [['j2k', '1.2.840.10008.1.2.4.90'], ['jpegls', '1.2.840.10008.1.2.4.80']] as const) {
    const encoded = await encodeLossless(kind, new Uint8Array(values.buffer), geometry);
    const img = await decodeImage(writePart10(image({ BitsStored: 12, HighBit: 11, Rows: M, Columns: M }, encoded, 'OB'), ts));
    assert.deepEqual(Array.from(img.values), Array.from(values), kind);
  }
});

test('JPEG baseline (8-bit, lossy) decodes close to the original', async () => {
  const lib = await (require('@cornerstonejs/codec-libjpeg-turbo-8bit') as (m: object) => Promise<{ JPEGEncoder: new () => PacsmineWasmEncoder }>)({ print: () => undefined, printErr: () => undefined });
  const size = 32;
  const pixels = Uint8Array.from(ramp(size * size, (i) => (i % size) * 8));
  const enc = new lib.JPEGEncoder();
  enc.getDecodedBuffer({ width: size, height: size, bitsPerSample: 8, componentCount: 1, isSigned: false }).set(pixels);
  enc.setQuality?.(false, 95);
  enc.encode();
  const jpeg = new Uint8Array(enc.getEncodedBuffer());
  const file = writePart10({ ...image({ BitsAllocated: 8, BitsStored: 8, HighBit: 7 }, jpeg, 'OB'), Rows: size, Columns: size }, '1.2.840.10008.1.2.4.50');
  const img = await decodeImage(file);
  let maxErr = 0;
  for (let i = 0; i < pixels.length; i++) maxErr = Math.max(maxErr, Math.abs((img.values[i] as number) - (pixels[i] as number)));
  assert.ok(maxErr < 24, `max error ${maxErr}`);
});
