/**
 * Decompression bombs: a small file that declares a huge image. Its own test file, so that the
 * process's peak memory (getrusage maxRSS) measures these tests alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePart10 } from '../sample/dicom.js';
import { Workspace } from '../store/workspace.js';
import { listRejects } from '../store/rejects.js';
import { repoRoot } from '../../testing/requirements.js';
import { DEFAULT_MAX_PIXELS, decodeImage } from './pixels.js';
import { HeaderProblem } from './header.js';
import { encodeLossless } from './codecs.js';
import { encodeRle } from './rle.js';
import { indexDicomFolder } from './indexer.js';
import { convertKeyImages } from './convert.js';

const require = createRequire(import.meta.url);
const MB = 1024 * 1024;
const HUGE = 20000;

function image(pixel: Record<string, unknown>, pixels: ArrayBufferView, vr: 'OW' | 'OB' = 'OW'): Record<string, unknown> {
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: '2.25.4242', StudyInstanceUID: '2.25.43', SeriesInstanceUID: '2.25.44',
    Modality: 'OT', Rows: 32, Columns: 32, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 0, ...pixel,
    PixelData: [pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength)], _vrMap: { PixelData: vr },
  };
}

/** The file: 8-bit RLE whose one segment really holds 20000 x 20000 pixels (runs of 128), about 6 MB. */
function rleBomb(): Buffer {
  const runs = (HUGE * HUGE) / 128;
  const rle = new Uint8Array(64 + runs * 2);
  const view = new DataView(rle.buffer);
  view.setUint32(0, 1, true);
  view.setUint32(4, 64, true);
  for (let i = 0; i < runs; i++) rle[64 + 2 * i] = 0x81; // -127: repeat the next byte 128 times (value 0)
  return writePart10(image({ Rows: HUGE, Columns: HUGE, BitsAllocated: 8, BitsStored: 8, HighBit: 7 }, rle, 'OB'), '1.2.840.10008.1.2.5');
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

test('a 6 MB RLE file declaring 20000 x 20000 is rejected by images convert as too-large, with peak memory under 300 MB above the start', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bomb-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    mkdirSync(path.join(dir, 'archive'));
    const bomb = rleBomb();
    assert.ok(bomb.length > 6e6 && bomb.length < 7e6, `${bomb.length} bytes`);
    writeFileSync(path.join(dir, 'archive', 'bomb.dcm'), bomb);
    assert.equal(indexDicomFolder(ws, path.join(dir, 'archive')).indexed, 1);
    const rssBefore = process.memoryUsage().rss;
    const s = await convertKeyImages(ws, { all: true });
    const grew = peakRss() - rssBefore;
    t.diagnostic(`peak memory grew by ${(grew / MB).toFixed(0)} MB`);
    assert.equal(s.rejected, 1);
    const [reject] = listRejects(ws, 'images-convert');
    assert.equal(reject?.code, 'too-large');
    assert.match(reject?.reason ?? '', /declares 20000 x 20000 pixels, over the limit of 33554432 \(option `maxPixels`\)/);
    assert.ok(grew < 300 * MB, `peak memory grew by ${(grew / MB).toFixed(0)} MB`);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Bytes of a JPEG lossless (process 14, SOF3) frame header: enough for any reader of the header. */
function sof3(rows: number, columns: number): Uint8Array {
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xc3, 0x00, 0x0b, 16, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, 1, 1, 0x11, 0, 0xff, 0xd9]);
}

/** A real 32x32 frame of each compressed syntax (JPEG lossless: its frame header only). */
async function frames(): Promise<Array<{ ts: string; frame: Uint8Array; bits: number }>> {
  const values = Uint16Array.from({ length: 32 * 32 }, (_, i) => (i * 131) % 4096);
  const g = { rows: 32, columns: 32, samplesPerPixel: 1, bitsAllocated: 16, signed: false, bitsStored: 12 };
  const j2k = await encodeLossless('j2k', new Uint8Array(values.buffer), g);
  const jls = await encodeLossless('jpegls', new Uint8Array(values.buffer), g);
  const lib = await (require('@cornerstonejs/codec-libjpeg-turbo-8bit') as (m: object) => Promise<{ JPEGEncoder: new () => PacsmineWasmEncoder }>)({ print: () => undefined, printErr: () => undefined });
  const enc = new lib.JPEGEncoder();
  enc.getDecodedBuffer({ width: 32, height: 32, bitsPerSample: 8, componentCount: 1, isSigned: false }).set(Uint8Array.from({ length: 1024 }, (_, i) => i % 256));
  enc.encode();
  const jpeg = new Uint8Array(enc.getEncodedBuffer());
  const rle = encodeRle(new Uint8Array(values.buffer), 32 * 32, 1, 16);
  return [
    { ts: '1.2.840.10008.1.2.5', frame: rle, bits: 16 },
    { ts: '1.2.840.10008.1.2.4.50', frame: jpeg, bits: 8 },
    { ts: '1.2.840.10008.1.2.4.57', frame: sof3(32, 32), bits: 16 },
    { ts: '1.2.840.10008.1.2.4.70', frame: sof3(32, 32), bits: 16 },
    { ts: '1.2.840.10008.1.2.4.80', frame: jls, bits: 16 },
    { ts: '1.2.840.10008.1.2.4.81', frame: jls, bits: 16 },
    { ts: '1.2.840.10008.1.2.4.90', frame: j2k, bits: 16 },
    { ts: '1.2.840.10008.1.2.4.91', frame: j2k, bits: 16 },
  ];
}

const problem = (code: string, reason: RegExp) => (e: unknown): boolean => e instanceof HeaderProblem && e.code === code && reason.test(e.message);

test('every transfer syntax checks the header\'s Rows x Columns against the limit before decoding (uncompressed, RLE, JPEG, JPEG lossless, JPEG-LS, JPEG 2000)', async () => {
  const rssBefore = process.memoryUsage().rss;
  const declaresHuge = { Rows: HUGE, Columns: HUGE };
  const uncompressed = Uint16Array.from({ length: 32 * 32 }, (_, i) => i);
  for (const ts of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']) {
    await assert.rejects(decodeImage(writePart10(image(declaresHuge, uncompressed), ts)), problem('too-large', /header declares 20000 x 20000/), ts);
  }
  for (const { ts, frame, bits } of await frames()) {
    const file = writePart10(image({ ...declaresHuge, BitsAllocated: bits, BitsStored: bits, HighBit: bits - 1 }, frame, 'OB'), ts);
    // Without the check each of these decodes (or tries to) a frame and then reads 400 million pixels.
    await assert.rejects(decodeImage(file), problem('too-large', /header declares 20000 x 20000/), ts);
    // The same frame under its true size decodes (JPEG lossless: a header only, so its decoder fails, after the checks).
    const ok = writePart10(image({ BitsAllocated: bits, BitsStored: bits, HighBit: bits - 1 }, frame, 'OB'), ts);
    if (!ts.endsWith('.57') && !ts.endsWith('.70')) assert.equal((await decodeImage(ok)).values.length, 32 * 32, ts);
    else await assert.rejects(decodeImage(ok), (e: unknown) => e instanceof HeaderProblem && /could not decode/.test(e.message), ts);
  }
  const grew = peakRss() - rssBefore;
  assert.ok(grew < 300 * MB, `peak memory grew by ${(grew / MB).toFixed(0)} MB`);
});

/** The frame with its own header changed to declare rows x columns. */
function redeclare(ts: string, frame: Uint8Array, rows: number, columns: number): Uint8Array {
  const out = Uint8Array.from(frame);
  const v = new DataView(out.buffer);
  if (ts.endsWith('.90') || ts.endsWith('.91')) {
    let p = 0;
    while (!(out[p] === 0xff && out[p + 1] === 0x4f && out[p + 2] === 0xff && out[p + 3] === 0x51)) p++;
    v.setUint32(p + 8, columns); // Xsiz (XOsiz is 0)
    v.setUint32(p + 12, rows); // Ysiz
    return out;
  }
  let p = 2;
  for (;;) {
    const marker = out[p + 1] as number;
    if ((marker >= 0xc0 && marker <= 0xc3) || marker === 0xf7) break;
    p += 2 + v.getUint16(p + 2);
  }
  v.setUint16(p + 5, rows);
  v.setUint16(p + 7, columns);
  return out;
}

test('a compressed frame whose own header declares more than the limit, or another size than the DICOM header, is rejected before its codec runs', async () => {
  const rssBefore = process.memoryUsage().rss;
  for (const { ts, frame, bits } of await frames()) {
    if (ts === '1.2.840.10008.1.2.5') continue; // RLE frames carry no size: the header check above is the one
    const pixel = { BitsAllocated: bits, BitsStored: bits, HighBit: bits - 1 };
    const huge = writePart10(image(pixel, redeclare(ts, frame, HUGE, HUGE), 'OB'), ts);
    await assert.rejects(decodeImage(huge), problem('too-large', /compressed frame declares 20000 x 20000/), ts);
    const other = writePart10(image(pixel, redeclare(ts, frame, 64, 48), 'OB'), ts);
    await assert.rejects(decodeImage(other), problem('frame-mismatch', /frame declares 48 x 64 pixels of 1 component\(s\), the DICOM header 32 x 32 of 1/), ts);
  }
  const grew = peakRss() - rssBefore;
  assert.ok(grew < 300 * MB, `peak memory grew by ${(grew / MB).toFixed(0)} MB`);
});

test('maxPixels is the limit: a 32 x 32 image decodes at 1024 and is refused at 1023; the default is 2^25', async () => {
  const file = writePart10(image({}, Uint16Array.from({ length: 32 * 32 }, (_, i) => i)));
  assert.equal((await decodeImage(file, 0, { maxPixels: 1024 })).values.length, 1024);
  await assert.rejects(decodeImage(file, 0, { maxPixels: 1023 }), problem('too-large', /over the limit of 1023/));
  assert.equal(DEFAULT_MAX_PIXELS, 33_554_432);
});

test('`images convert --max-pixels N` and `export --max-pixels N` reject larger images; a value that is not a positive integer is a usage error', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bomb-'));
  const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  try {
    mkdirSync(path.join(dir, 'archive'));
    writeFileSync(path.join(dir, 'archive', 'a.dcm'), writePart10(image({}, Uint16Array.from({ length: 32 * 32 }, (_, i) => i))));
    const ws = path.join(dir, 'ws');
    assert.equal(run('images', 'index', path.join(dir, 'archive'), '--workspace', ws).status, 0);
    const small = run('images', 'convert', '--all', '--max-pixels', '1000', '--workspace', ws, '--json');
    assert.equal(small.status, 0, small.stderr);
    assert.deepEqual([JSON.parse(small.stdout).converted, JSON.parse(small.stdout).rejected], [0, 1]);
    const w = Workspace.open(ws);
    try {
      assert.equal(listRejects(w, 'images-convert')[0]?.code, 'too-large');
      const addKey = w.db.prepare("INSERT INTO key_images (report_id, origin, instance_number) VALUES ('R1', 'accession', 1)");
      w.db.prepare("INSERT INTO links (key_image_id, sop_instance_uid, method) VALUES (?, '2.25.4242', 'test')").run(addKey.run().lastInsertRowid);
    } finally {
      w.close();
    }
    const fits = run('images', 'convert', '--all', '--max-pixels', '1024', '--workspace', ws, '--json');
    assert.equal(JSON.parse(fits.stdout).converted, 1, fits.stderr);
    const exp = run('export', '--out', path.join(dir, 'out'), '--format', 'png', '--max-pixels', '1000', '--workspace', ws, '--json');
    assert.equal(exp.status, 0, exp.stderr);
    assert.deepEqual([JSON.parse(exp.stdout).png, JSON.parse(exp.stdout).rejected], [0, 1]);
    for (const bad of ['0', '1.5']) {
      const r = run('images', 'convert', '--max-pixels', bad, '--workspace', ws);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /--max-pixels must be/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
