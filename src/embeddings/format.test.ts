import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { loadWord2VecFormat, saveWord2VecFormat } from './format.js';
import { WordVectors } from './vectors.js';
import { Rng } from '../util/rng.js';
import { FormatError } from '../util/errors.js';
import { needsDebianPython } from '../../testing/requirements.js';

function randomVectors(words: string[], dim: number, seed = 1): WordVectors {
  const rng = new Rng(seed);
  return new WordVectors(words, Float32Array.from({ length: words.length * dim }, () => rng.normal() * 0.3), dim);
}

const WORDS = ['effusion', 'pleural', 'tumour', 'café', 'l5-s1', '1.5'];

test('text and binary files round-trip exactly', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-'));
  const v = randomVectors(WORDS, 7);
  for (const format of ['text', 'binary'] as const) {
    const file = path.join(dir, `v.${format}`);
    saveWord2VecFormat(v, file, format);
    const back = loadWord2VecFormat(file, format);
    assert.deepEqual(back.words, v.words);
    assert.deepEqual(back.vectors, v.vectors);
  }
});

test('malformed files fail with the line or word that is wrong', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-'));
  const file = path.join(dir, 'bad.txt');
  writeFileSync(file, '2 3\nabc 1 2 3\ndef 1 2\n');
  assert.throws(() => loadWord2VecFormat(file, 'text'), (e: unknown) => e instanceof FormatError && /line 3/.test(e.message));
  writeFileSync(file, 'two three\n');
  assert.throws(() => loadWord2VecFormat(file, 'text'), (e: unknown) => e instanceof FormatError && /line 1/.test(e.message));
  writeFileSync(file, Buffer.concat([Buffer.from('2 3\nabc '), Buffer.alloc(12), Buffer.from('de')]));
  assert.throws(() => loadWord2VecFormat(file, 'binary'), (e: unknown) => e instanceof FormatError && /truncated.*need at least 28 bytes.*has 18/.test(e.message));
  // Long enough in all, but the second word's floats run past the end.
  writeFileSync(file, Buffer.concat([Buffer.from('2 3\nabc '), Buffer.alloc(12), Buffer.from('defghijklmnopq')]));
  assert.throws(() => loadWord2VecFormat(file, 'binary'), (e: unknown) => e instanceof FormatError && /word 2 of 2/.test(e.message));
  assert.throws(() => saveWord2VecFormat(randomVectors(['a b', 'c'], 2), file, 'text'), FormatError);
});

const GENSIM_READ = `
import sys, json
from gensim.models import KeyedVectors
out = {}
for fmt, binary in (("text", False), ("binary", True)):
    kv = KeyedVectors.load_word2vec_format(sys.argv[1] + "." + fmt, binary=binary)
    out[fmt] = {"words": list(kv.index_to_key), "vectors": [float(x) for x in kv.vectors.reshape(-1)]}
print(json.dumps(out))
`;

const GENSIM_WRITE = `
import sys, json
import numpy as np
from gensim.models import KeyedVectors
kv = KeyedVectors(vector_size=5)
words = ["effusion", "pleural", "tumour", "nodule"]
rs = np.random.RandomState(3)
kv.add_vectors(words, rs.randn(4, 5).astype(np.float32))
kv.save_word2vec_format(sys.argv[1] + ".text", binary=False)
kv.save_word2vec_format(sys.argv[1] + ".binary", binary=True)
print(json.dumps({"words": words, "vectors": [float(x) for x in kv.vectors.reshape(-1)]}))
`;

test('gensim reads our text and binary files and gets the same vectors; we read gensim\'s', { skip: needsDebianPython('gensim') }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-'));
  const base = path.join(dir, 'ours');
  const v = randomVectors(WORDS, 16);
  saveWord2VecFormat(v, `${base}.text`, 'text');
  saveWord2VecFormat(v, `${base}.binary`, 'binary');
  const r = spawnSync('/usr/bin/python3', ['-c', GENSIM_READ, base], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, { words: string[]; vectors: number[] }>;
  for (const format of ['text', 'binary']) {
    assert.deepEqual(got[format]?.words, WORDS);
    assert.deepEqual(Float32Array.from(got[format]?.vectors ?? []), v.vectors, `${format}: gensim's vectors`);
  }

  const theirs = path.join(dir, 'theirs');
  const w = spawnSync('/usr/bin/python3', ['-c', GENSIM_WRITE, theirs], { encoding: 'utf8' });
  assert.equal(w.status, 0, w.stderr);
  const expected = JSON.parse(w.stdout.trim().split('\n').pop() as string) as { words: string[]; vectors: number[] };
  for (const format of ['text', 'binary'] as const) {
    const loaded = loadWord2VecFormat(`${theirs}.${format}`, format);
    assert.deepEqual(loaded.words, expected.words);
    assert.deepEqual(loaded.vectors, Float32Array.from(expected.vectors), `${format}: our reading of gensim's file`);
  }
});

test('a truncated or foreign vector file is refused before anything is allocated, and extra bytes are not ignored', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-'));
  const v = randomVectors(WORDS, 7);
  for (const format of ['text', 'binary'] as const) {
    const file = path.join(dir, `v.${format}`);
    saveWord2VecFormat(v, file, format);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    assert.throws(() => loadWord2VecFormat(file, format), (e: unknown) => e instanceof FormatError && /truncated|found \d+|word \d+ of 6/.test(e.message), `${format}: half a file`);
    writeFileSync(file, Buffer.concat([whole, Buffer.from(format === 'text' ? 'extra 1 2 3 4 5 6 7\n' : 'junk')]));
    assert.throws(() => loadWord2VecFormat(file, format), (e: unknown) => e instanceof FormatError && /after the 6 words/.test(e.message), `${format}: trailing bytes`);
  }
  // A header claiming a billion words of a thousand dimensions: refused from the file size.
  const huge = path.join(dir, 'huge.bin');
  writeFileSync(huge, '1000000000 1000\nword ');
  assert.throws(() => loadWord2VecFormat(huge, 'binary'), (e: unknown) => e instanceof FormatError && /truncated or not a word2vec binary file/.test(e.message));
  // A foreign file (a PNG signature and IHDR chunk): no header line of two numbers.
  const png = path.join(dir, 'x.png');
  writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  assert.throws(() => loadWord2VecFormat(png, 'binary'), FormatError);
});
