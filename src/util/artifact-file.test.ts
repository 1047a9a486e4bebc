import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, OptionsError } from './errors.js';
import { readArtifact, readArtifactHeader, takeArray, writeArtifact, type ArtifactInput } from './artifact-file.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'artifact-'));
const KIND = { kind: 'test-model', versions: [1] };

/** Odd lengths, so that most arrays need padding after them. */
function sample(): ArtifactInput {
  return {
    kind: 'test-model',
    kindVersion: 1,
    meta: { numTopics: 3, vocab: ['heart', 'lung', 'μ-unicode'], nested: { ok: true } },
    arrays: {
      bytes: Uint8Array.from([1, 2, 255]),
      shorts: { data: Uint16Array.from([1, 2, 3, 4, 5, 65535]), shape: [2, 3] },
      ints: Int32Array.from([-2147483648, -1, 0, 2147483647, 7]),
      empty: new Uint32Array(0),
      counts: { data: Uint32Array.from([0, 1, 4294967295, 9, 9, 9, 9]), shape: [7, 1] },
      vectors: { data: Float32Array.from([0.5, -1.25, 3e-8, Infinity, -0, 7, 8, 9]), shape: [2, 2, 2] },
      scalar: { data: Float64Array.from([Math.PI]), shape: [] },
      sums: Float64Array.from([1e300, -1e-300, Number.NaN]),
    },
  };
}

test('every dtype and shape round-trips; arrays come back as aligned views of one buffer', () => {
  const file = path.join(tmp(), 'nested', 'model.bin');
  const input = sample();
  writeArtifact(file, input);
  const a = readArtifact(file, KIND);
  assert.equal(a.kind, 'test-model');
  assert.equal(a.kindVersion, 1);
  assert.deepEqual(a.meta, input.meta);
  assert.deepEqual(Object.keys(a.arrays), Object.keys(input.arrays));
  for (const [name, given] of Object.entries(input.arrays)) {
    const data = ArrayBuffer.isView(given) ? given : given.data;
    const shape = ArrayBuffer.isView(given) ? [data.length] : [...given.shape];
    const got = a.arrays[name];
    assert.ok(got, name);
    assert.equal(got.data.constructor, data.constructor, name);
    assert.deepEqual(got.shape, shape, name);
    assert.deepEqual([...got.data], [...data], name); // NaN, -0 and Infinity included (deepEqual uses Object.is)
    assert.equal(got.data.byteOffset % 8, 0, name);
    assert.equal(got.data.buffer, a.arrays['bytes']?.data.buffer, name);
  }
  assert.deepEqual(readArtifactHeader(file).arrays.map((e) => [e.name, e.dtype, e.shape]), Object.entries(a.arrays).map(([n, x]) => [n, x.dtype, x.shape]));
});

test('the layout: magic, container version, header length, 8-aligned data, nothing after the last array', () => {
  const file = path.join(tmp(), 'm.bin');
  writeArtifact(file, { kind: 'k', kindVersion: 2, arrays: { a: Uint8Array.from([1, 2, 3]), b: Float64Array.from([1]) } });
  const b = readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('latin1'), 'PACSMINE');
  assert.equal(b.readUInt32LE(8), 1);
  const h = b.readUInt32LE(12);
  const header = JSON.parse(b.subarray(16, 16 + h).toString('utf8')) as { arrays: { offset: number; byteLength: number }[] };
  const dataStart = Math.ceil((16 + h) / 8) * 8;
  assert.deepEqual(header.arrays.map((e) => [e.offset, e.byteLength]), [[0, 3], [8, 8]]);
  assert.equal(b.length, dataStart + 16);
  assert.deepEqual([...b.subarray(dataStart, dataStart + 8)], [1, 2, 3, 0, 0, 0, 0, 0]);
  assert.equal(b.readDoubleLE(dataStart + 8), 1);
  // An empty last array still takes its aligned place, so the size is what the header says.
  writeArtifact(file, { kind: 'k', kindVersion: 1, arrays: { a: Uint8Array.from([1]), z: new Float32Array(0) } });
  assert.deepEqual([...readArtifact(file, { kind: 'k', versions: [1] }).arrays['a']?.data ?? []], [1]);
});

test('a file cut at any byte is a FormatError that gives the expected and the actual size', () => {
  const dir = tmp();
  const file = path.join(dir, 'model.bin');
  writeArtifact(file, sample());
  const whole = readFileSync(file);
  const cut = path.join(dir, 'cut.bin');
  const h = whole.readUInt32LE(12);
  const seen = new Set<string>();
  for (let n = 0; n < whole.length; n++) {
    writeFileSync(cut, whole.subarray(0, n));
    assert.throws(() => readArtifact(cut, KIND), (e: unknown) => {
      assert.ok(e instanceof FormatError, `cut at ${n}: ${String(e)}`);
      if (n === 0) {
        assert.match(e.message, /is not a pacsmine artifact/);
        return true;
      }
      const m = /is truncated: (.*) needs (\d+) bytes, the file has (\d+)$/.exec(e.message);
      assert.ok(m, `cut at ${n}: ${e.message}`);
      assert.equal(Number(m[3]), n);
      assert.ok(Number(m[2]) > n);
      seen.add(m[1] as string);
      return true;
    });
  }
  // Cuts in the preamble, the header, its padding (if any) and the data each name their part.
  assert.ok(seen.has('the preamble (magic, version, header length)'));
  assert.ok(seen.has(`the ${h}-byte header`));
  assert.ok(seen.has('the header and 8 arrays'));
  assert.equal(readArtifact(file, KIND).arrays['sums']?.data.length, 3); // the whole file is still fine
});

test('trailing bytes, foreign files, other kinds and versions, and damage are each a clear FormatError', () => {
  const dir = tmp();
  const file = path.join(dir, 'model.bin');
  writeArtifact(file, sample());
  const whole = readFileSync(file);
  const probe = path.join(dir, 'probe.bin');
  const expectFormat = (bytes: Uint8Array, message: RegExp, kind = KIND): void => {
    writeFileSync(probe, bytes);
    assert.throws(() => readArtifact(probe, kind), (e: unknown) => e instanceof FormatError && message.test(e.message));
  };
  expectFormat(Buffer.concat([whole, Buffer.from([0])]), new RegExp(`has 1 unexpected bytes at the end: expected ${whole.length} bytes, the file has ${whole.length + 1}$`));
  expectFormat(Buffer.from('\x89PNG\r\n\x1a\n0000000000000000'), /is not a pacsmine artifact/);
  expectFormat(Buffer.from('{"format":"pacsmine.lda","version":1}\n'), /is not a pacsmine artifact/);
  expectFormat(whole, /holds a "test-model" artifact, not the "word-vectors" expected/, { kind: 'word-vectors', versions: [1] });
  expectFormat(whole, /"test-model" version 1 is not supported \(this build reads version 2, 3\)/, { kind: 'test-model', versions: [2, 3] });
  const v2 = Buffer.from(whole);
  v2.writeUInt32LE(2, 8);
  expectFormat(v2, /container version 2 is not supported \(this build reads 1\)/);
  const huge = Buffer.from(whole);
  huge.writeUInt32LE(0xffffffff, 12);
  expectFormat(huge, /is damaged: a header of 4294967295 bytes/);
  const notJson = Buffer.from(whole);
  notJson[16] = 0x78; // 'x' instead of '{'
  expectFormat(notJson, /is damaged: its header is not valid UTF-8 JSON/);
  // Same-length edits of the header: an array that claims other bytes, an unknown dtype.
  const text = whole.toString('latin1');
  const edit = (from: string, to: string): Buffer => {
    assert.ok(text.includes(from) && from.length === to.length, from);
    return Buffer.from(text.replace(from, to), 'latin1');
  };
  expectFormat(edit('"byteLength":3}', '"byteLength":4}'), /array "bytes" says 4 bytes, but u8 \[3\] needs 3/);
  expectFormat(edit('"dtype":"f32"', '"dtype":"f16"'), /array "vectors" has an unknown dtype f16/);
  expectFormat(edit('"offset":24,', '"offset":32,'), /array "ints" starts at offset 32, expected 24/);
  expectFormat(edit('"kindVersion":1', '"kindVersion":"'), /is damaged: its header is not valid UTF-8 JSON/);
  // Non-zero padding: pick a meta whose header length leaves padding before the data.
  for (let k = 0; ; k++) {
    writeArtifact(file, { ...sample(), meta: 'x'.repeat(k) });
    const b = readFileSync(file);
    const h = b.readUInt32LE(12);
    if ((16 + h) % 8 === 0) continue;
    b[16 + h] = 1;
    expectFormat(b, /non-zero padding after the header/);
    break;
  }
  assert.throws(() => readArtifact(path.join(dir, 'missing.bin'), KIND), (e: unknown) => e instanceof FormatError && /cannot open .*missing\.bin/.test(e.message));
});

test('writing refuses bad shapes, unsupported arrays and meta that is not JSON, and writes nothing', () => {
  const dir = tmp();
  const file = path.join(dir, 'm.bin');
  const refuse = (input: ArtifactInput, message: RegExp): void =>
    assert.throws(() => writeArtifact(file, input), (e: unknown) => e instanceof OptionsError && message.test(e.message));
  const base = { kind: 'k', kindVersion: 1 };
  refuse({ ...base, arrays: { w: { data: new Float32Array(6), shape: [4, 2] } } }, /array "w": shape \[4, 2\] holds 8 elements but the array has 6/);
  refuse({ ...base, arrays: { w: { data: new Float32Array(6), shape: [-2, -3] } } }, /shape \[-2, -3\] must hold integers >= 0/);
  refuse({ ...base, arrays: { w: { data: new Float32Array(3), shape: [1.5, 2] } } }, /must hold integers >= 0/);
  refuse({ ...base, arrays: { w: new Int16Array(2) as unknown as Uint16Array } }, /array "w": \[object Int16Array\] cannot be stored/);
  refuse({ ...base, arrays: { w: new Uint8ClampedArray(2) as unknown as Uint8Array } }, /\[object Uint8ClampedArray\] cannot be stored/);
  refuse({ ...base, meta: { n: 1n }, arrays: {} }, /meta of a "k" artifact cannot be written as JSON/);
  refuse({ kind: '', kindVersion: 1, arrays: {} }, /needs a kind/);
  refuse({ kind: 'k', kindVersion: 0, arrays: {} }, /kindVersion must be an integer >= 1/);
  assert.deepEqual(readdirSync(dir), []);
});

test('takeArray checks name, dtype and shape for loaders', () => {
  const file = path.join(tmp(), 'm.bin');
  writeArtifact(file, sample());
  const a = readArtifact(file, KIND);
  const v: Float32Array = takeArray(a, 'vectors', 'f32', [2, null, 2]);
  assert.equal(v.length, 8);
  assert.throws(() => takeArray(a, 'phi', 'f32'), /no array "phi" \(it has: bytes, shorts/);
  assert.throws(() => takeArray(a, 'vectors', 'f64'), /array "vectors" of the "test-model" artifact is f32, expected f64/);
  assert.throws(() => takeArray(a, 'vectors', 'f32', [2, 4]), /has shape \[2, 2, 2\], expected \[2, 4\]/);
});

test('a failed write leaves the previous file intact and no temporary file behind', () => {
  const dir = tmp();
  const file = path.join(dir, 'model.bin');
  writeArtifact(file, sample());
  const before = readFileSync(file);
  // The rename fails: the target is now a folder.
  const folder = path.join(dir, 'taken');
  mkdirSync(folder);
  assert.throws(() => writeArtifact(folder, sample()), /EISDIR|EEXIST|ENOTEMPTY|directory/i);
  assert.ok(statSync(folder).isDirectory());
  assert.deepEqual(readdirSync(dir).sort(), ['model.bin', 'taken']);
  // A write that fails half-way (the file size limit is hit), in a child process with `ulimit -f`.
  if (process.platform === 'win32') return;
  const moduleUrl = new URL('./artifact-file.js', import.meta.url).href;
  const script = `import { writeArtifact } from ${JSON.stringify(moduleUrl)};
    try { writeArtifact(${JSON.stringify(file)}, { kind: 'test-model', kindVersion: 1, arrays: { big: new Float64Array(1 << 20) } }); console.log('written'); }
    catch (e) { console.log('failed', e.code); }`;
  const runner = path.join(dir, '..', `${path.basename(dir)}-write.mjs`);
  writeFileSync(runner, script);
  const r = spawnSync('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" "${runner}"`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'failed EFBIG');
  assert.deepEqual(readFileSync(file), before);
  assert.deepEqual(readdirSync(dir).sort(), ['model.bin', 'taken']);
  assert.deepEqual(Object.keys(readArtifact(file, KIND).arrays).length, 8);
  assert.ok(fileURLToPath(moduleUrl)); // the child imported the same build as this test
});
