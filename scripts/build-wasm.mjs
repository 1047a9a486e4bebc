// Compiles the AssemblyScript kernels (src/**/assembly/*.ts) to WebAssembly with v128 SIMD and
// shared imported memory, next to their TypeScript callers in dist/.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const asc = path.join(path.dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const kernels = [['src/embeddings/assembly/skipgram.ts', 'dist/src/embeddings/skipgram.wasm']];
for (const [source, out] of kernels) {
  const r = spawnSync(process.execPath, [asc, source, '-o', out, '-O3', '--noAssert', '--runtime', 'stub',
    '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--enable', 'threads,simd'],
  { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build-wasm: asc failed on ${source}\n`);
    process.exit(1);
  }
}
