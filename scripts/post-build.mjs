// After tsc: make the CLI executable and copy non-TypeScript assets (static files, wasm) into dist.
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

chmodSync('dist/src/cli/main.js', 0o755);
const ASSET = /\.(html|css|svg|wasm|json|txt|obo)$/;
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) copyAssets(p);
    else if (ASSET.test(name)) cpSync(p, path.join('dist', p));
  }
}
for (const root of ['src', 'bench']) if (existsSync(root)) copyAssets(root);

// Code digests for stage records (src/util/code-digest.ts): one sha256 per top-level folder of
// dist/src. This runs last in `npm run build`, after the wasm kernels, so that they count too.
const { writeCodeDigests } = await import('../dist/src/util/code-digest.js');
writeCodeDigests('dist/src');
