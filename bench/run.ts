/**
 * `npm run bench -- NAME` runs bench/NAME.bench.ts; `npm run bench` runs them all, one child
 * process each (so that peak memory is each benchmark's own). Each benchmark prints its
 * figures and ends with one JSON line, with the anchor's figures beside ours.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.slice(0, -'.bench.js'.length))
  .sort();
// Bench names come first; everything from the first flag on (`--reports 1000`) goes to each benchmark.
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const wanted = firstFlag < 0 ? args : args.slice(0, firstFlag);
const extra = firstFlag < 0 ? [] : args.slice(firstFlag);
for (const name of wanted) {
  if (!available.includes(name)) {
    process.stderr.write(`bench: no benchmark named '${name}'; available: ${available.join(', ')}\n`);
    process.exit(2);
  }
}
let failed = 0;
for (const name of wanted.length ? wanted : available) {
  process.stdout.write(`\n== bench ${name}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, `${name}.bench.js`), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench ${name} failed with exit code ${r.status}\n`);
  }
}
process.exit(failed ? 1 : 0);
