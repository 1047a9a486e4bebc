import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionsError, PacsmineError } from './errors.js';
import { CODE_DIGESTS_FILE, codeDigest, digestFolders, loadCodeDigests, writeCodeDigests } from './code-digest.js';

function tree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'code-digest-'));
  const put = (rel: string, text: string | Uint8Array): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  put('index.js', 'export * from "./topics/model.js";\n');
  put('topics/model.js', 'export const K = 20;\n');
  put('topics/sampler/sweep.js', 'export function sweep() { return 1; }\n');
  put('embeddings/word2vec.js', 'export const D = 256;\n');
  put('embeddings/skipgram.wasm', Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  put('util/rng.js', 'export const seed = 1;\n');
  return root;
}

test('changing a file changes its folder\'s digest only; tests, declarations and maps do not count', () => {
  const root = tree();
  const before = digestFolders(root);
  assert.deepEqual(Object.keys(before).sort(), ['.', 'embeddings', 'topics', 'util']);
  for (const d of Object.values(before)) assert.match(d, /^[0-9a-f]{64}$/);
  assert.equal(new Set(Object.values(before)).size, 4);
  assert.deepEqual(digestFolders(root), before); // deterministic

  const changed = (edit: () => void): string[] => {
    const prev = digestFolders(root);
    edit();
    const now = digestFolders(root);
    return Object.keys(now).filter((k) => now[k] !== prev[k]).sort();
  };
  assert.deepEqual(changed(() => writeFileSync(path.join(root, 'topics/sampler/sweep.js'), 'export function sweep() { return 2; }\n')), ['topics']);
  assert.deepEqual(changed(() => writeFileSync(path.join(root, 'embeddings/skipgram.wasm'), Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 1]))), ['embeddings']);
  assert.deepEqual(changed(() => renameSync(path.join(root, 'util/rng.js'), path.join(root, 'util/random.js'))), ['util']);
  assert.deepEqual(changed(() => writeFileSync(path.join(root, 'util/new.js'), '')), ['util']);
  assert.deepEqual(changed(() => writeFileSync(path.join(root, 'index.js'), 'export {};\n')), ['.']);
  assert.deepEqual(changed(() => {
    writeFileSync(path.join(root, 'topics/model.test.js'), 'test()');
    writeFileSync(path.join(root, 'topics/model.d.ts'), 'export declare const K: number;');
    writeFileSync(path.join(root, 'topics/model.js.map'), '{}');
    mkdirSync(path.join(root, 'util/testing-workers'));
    writeFileSync(path.join(root, 'util/testing-workers/probe.worker.js'), 'serveWorker()');
    writeFileSync(path.join(root, CODE_DIGESTS_FILE), '{}');
  }), []);
  // Moving bytes between two files of a folder changes it (each file is framed by its path and length).
  const split = tree();
  writeFileSync(path.join(split, 'util/a.js'), 'ab');
  writeFileSync(path.join(split, 'util/b.js'), 'c');
  const one = digestFolders(split)['util'];
  writeFileSync(path.join(split, 'util/a.js'), 'a');
  writeFileSync(path.join(split, 'util/b.js'), 'bc');
  assert.notEqual(digestFolders(split)['util'], one);
});

test('writeCodeDigests and loadCodeDigests round-trip; a missing file says to run the build', () => {
  const root = tree();
  const written = writeCodeDigests(root);
  assert.deepEqual(loadCodeDigests(path.join(root, CODE_DIGESTS_FILE)), written);
  assert.deepEqual(digestFolders(root), written); // the digest file itself does not count
  assert.throws(() => loadCodeDigests(path.join(root, 'missing.json')), (e: unknown) =>
    e instanceof PacsmineError && e.code === 'NOT_FOUND' && /missing\.json is missing: run `npm run build`/.test(e.message));
  writeFileSync(path.join(root, 'other.json'), '{"folders":{}}');
  assert.throws(() => loadCodeDigests(path.join(root, 'other.json')), /is not a code-digest file/);
});

test('the build wrote dist/src/code-digests.json, and it matches the built files', () => {
  const srcDir = fileURLToPath(new URL('../', import.meta.url));
  const built = loadCodeDigests(path.join(srcDir, CODE_DIGESTS_FILE));
  for (const folder of ['util', 'topics', 'embeddings', 'training', 'reports', 'sample', '.']) assert.match(built[folder] ?? '', /^[0-9a-f]{64}$/, folder);
  assert.deepEqual(digestFolders(srcDir), built);
});

test('codeDigest combines folders: order and repeats do not matter, each folder does', () => {
  const a = codeDigest('topics', 'util');
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(codeDigest('util', 'topics', 'util'), a);
  assert.notEqual(codeDigest('topics'), a);
  assert.notEqual(codeDigest('embeddings', 'util'), a);
  assert.throws(() => codeDigest('topicz'), (e: unknown) => e instanceof OptionsError && /no src folder "topicz" \(known: \., cli,/.test(e.message));
  assert.throws(() => codeDigest(), OptionsError);
});
