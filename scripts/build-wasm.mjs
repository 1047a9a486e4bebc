// Compiles the AssemblyScript kernels (src/**/assembly/*.ts) to WebAssembly with v128 SIMD and
// shared imported memory, next to their TypeScript callers in dist/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';

/** The ids of a wasm binary's sections (11 = data). */
function sectionIds(file) {
  const b = readFileSync(file);
  const ids = [];
  let p = 8;
  while (p < b.length) {
    ids.push(b[p++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[p++];
      size |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    p += size;
  }
  return ids;
}

const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
// The word2vec kernel gets a shared memory of its own; the training kernels import
// tfjs-backend-wasm's (unshared, growable) memory, so they declare no maximum and must own no
// data: `--use abort=` drops the abort message strings, and the build fails if a data segment appears.
const shared = ['--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--enable', 'threads,simd'];
const onTfjsHeap = ['--importMemory', '--initialMemory', '0', '--use', 'abort=', '--enable', 'simd'];
const kernels = [
  ['src/embeddings/assembly/skipgram.ts', 'dist/src/embeddings/skipgram.wasm', shared],
  ['src/training/assembly/train-kernels.ts', 'dist/src/training/train-kernels.wasm', onTfjsHeap],
];
for (const [source, out, flags] of kernels) {
  const r = spawnSync(process.execPath, [asc, source, '-o', out, '-O3', '--noAssert', '--runtime', 'stub', ...flags],
  { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build-wasm: asc failed on ${source}\n`);
    process.exit(1);
  }
  if (flags === onTfjsHeap && sectionIds(out).includes(11)) {
    process.stderr.write(`build-wasm: ${out} has a data segment, which would overwrite tfjs-backend-wasm's heap\n`);
    process.exit(1);
  }
}
