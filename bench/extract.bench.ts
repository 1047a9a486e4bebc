/**
 * `npm run bench -- extract`: ingest + de-identification + sentence splitting + reference
 * extraction + storing, on a corpus of at least one million reports built by resampling the
 * Indiana reports (../shared/data/iu-xray), with key-image references and identifiers injected
 * into a share of them (the Indiana set has neither). Runs the same pipeline at two corpus sizes,
 * each in its own process, to show that peak memory does not grow with the corpus.
 *
 * Usage: extract [--reports N]   (default 1,000,000)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { Rng } from '../src/util/rng.js';
import { Workspace } from '../src/store/workspace.js';
import { ingestReports } from '../src/reports/ingest.js';
import { peakRssMb, finish } from './lib/report.js';
import { sharedDataDir } from '../testing/requirements.js';

const INJECT_REFS = [
  'There is a 2.0 cm mass in the right lower lobe (series 3, image 45).',
  'Stable nodule (e.g. series 4 image 30).',
  'Lytic lesion of the sacrum (series 3 image 88-95) increasing minimally.',
  'Scattered foci (e.g. series 3 image 55, 60, 80, 84-7, 96) possibly due to metastases.',
  'Subcarinal node (se 5 im 120).',
  'Effusion layering posteriorly (image 45 of series 2).',
];
const INJECT_PHI = ['Compared with 03/14/2019.', 'Discussed with Dr. Jane Smith at (301) 555-1234.', 'MRN: 12345678.', 'Electronically signed by: Wei Chen, MD'];

async function writeCorpus(file: string, count: number): Promise<void> {
  const csv = path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv');
  const rows = parse(readFileSync(csv), { columns: true }) as Array<Record<string, string>>;
  const texts = rows.map((r) => `FINDINGS: ${r['findings'] ?? ''}\nIMPRESSION: ${r['impression'] ?? ''}`);
  const rng = new Rng(42);
  const out = createWriteStream(file);
  out.write('id,accession,modality,text\n');
  for (let i = 0; i < count; i++) {
    let text = rng.pick(texts);
    if (rng.chance(0.3)) text += ` ${rng.pick(INJECT_REFS)}`;
    if (rng.chance(0.5)) text += `\n${rng.pick(INJECT_PHI)}`;
    const line = `R${i},A${i},${rng.chance(0.7) ? 'CR' : 'CT'},"${text.replace(/"/g, '""')}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function child(file: string, workers: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-ws-'));
  const ws = Workspace.open(dir);
  const s = await ingestReports(ws, file, { format: 'csv', idColumn: 'id', textColumns: ['text'], accessionColumn: 'accession', modalityColumn: 'modality', workers });
  ws.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ seen: s.seen, ingested: s.ingested, rejected: s.rejected, references: s.references, seconds: s.seconds, peak_rss_mb: peakRssMb() })}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as string, Number(args[2]));
  if (!existsSync(path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv'))) {
    process.stderr.write('extract bench needs ../shared/data/iu-xray/indiana_reports.csv\n');
    process.exit(2);
  }
  const nIdx = args.indexOf('--reports');
  const reports = nIdx >= 0 ? Number(args[nIdx + 1]) : 1_000_000;
  const cores = os.availableParallelism();
  const workers = Math.max(1, cores - 1);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-'));
  try {
    const runs: Array<{ reports: number; r: Record<string, number> }> = [];
    for (const n of [Math.round(reports / 4), reports]) {
      const file = path.join(tmp, `corpus-${n}.csv`);
      await writeCorpus(file, n);
      const self = fileURLToPath(import.meta.url);
      const res = spawnSync(process.execPath, [self, '--child', file, String(workers)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (res.status !== 0) throw new Error(`child failed: ${res.stderr}`);
      const r = JSON.parse(res.stdout.trim().split('\n').pop() as string) as Record<string, number>;
      runs.push({ reports: n, r });
      rmSync(file);
      const rate = (r['seen'] as number) / (r['seconds'] as number);
      process.stdout.write(`${n} reports: ${rate.toFixed(0)} reports/s (${(rate / cores).toFixed(0)} per core, ${cores} cores, ${workers} workers), ` +
        `peak RSS ${r['peak_rss_mb']} MB, ${r['references']} references, ${r['rejected']} rejected\n`);
    }
    const big = runs[runs.length - 1] as { reports: number; r: Record<string, number> };
    const small = runs[0] as { reports: number; r: Record<string, number> };
    const rate = (big.r['seen'] as number) / (big.r['seconds'] as number);
    process.stdout.write(`memory: ${small.r['peak_rss_mb']} MB at ${small.reports} reports vs ${big.r['peak_rss_mb']} MB at ${big.reports} reports\n`);
    finish({
      bench: 'extract', reports: big.reports, reports_per_s: Math.round(rate), reports_per_s_per_core: Math.round(rate / cores), cores,
      peak_rss_mb: big.r['peak_rss_mb'], peak_rss_mb_quarter_corpus: small.r['peak_rss_mb'],
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
