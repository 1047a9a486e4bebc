/**
 * De-identification of report text: throughput (MB/s of UTF-8 text, reports/s) of `deidentify`
 * over the Indiana chest X-ray reports (few identifiers: the set was de-identified before release), the
 * synthetic archive's reports (header, dates, names, a signature) and the held-out PHI corpus (about seven
 * identifiers per report); then recall and false positives on the held-out corpus (testing/phi-corpus.ts).
 *
 * No anchor: no Debian python3 package de-identifies free text (philter, scrubadub and Presidio are on PyPI
 * only), so the figures stand alone.
 */
import { deidentify } from '../src/reports/deidentify.js';
import { planStudy } from '../src/sample/plan.js';
import { writeReport } from '../src/sample/report.js';
import { indianaReportTexts } from '../testing/corpora.js';
import { phiCorpus, scorePhi } from '../testing/phi-corpus.js';
import { needsSharedData } from '../testing/requirements.js';
import { finish, peakRssMb } from './lib/report.js';

const HELDOUT_SEED = 20150607;
const HELDOUT_REPORTS = 500;
const MIN_SECONDS = 1.5;

interface Speed {
  reports: number;
  mbPerSecond: number;
  /** Per second of this process's CPU time: steadier than wall-clock time on a shared machine. */
  cpuMbPerSecond: number;
  reportsPerSecond: number;
  usPerReport: number;
}

/** Runs deidentify over `texts` for at least MIN_SECONDS after one warm-up pass. */
function time(texts: string[]): Speed {
  for (const t of texts) deidentify(t);
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  let passes = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let i = 0; i < texts.length; i++) deidentify(texts[i]!);
    passes++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  } while (elapsed < MIN_SECONDS);
  const used = process.cpuUsage(cpu);
  const reports = passes * texts.length;
  return {
    reports: texts.length,
    mbPerSecond: round((passes * bytes) / elapsed / 1e6),
    cpuMbPerSecond: round((passes * bytes) / ((used.user + used.system) / 1e6) / 1e6),
    reportsPerSecond: Math.round(reports / elapsed),
    usPerReport: round((elapsed * 1e6) / reports),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const sets: Record<string, string[]> = {};
if (needsSharedData('iu-xray/indiana_reports.csv') === undefined) sets['indiana'] = indianaReportTexts();
else process.stdout.write('indiana: ../shared/data/iu-xray/indiana_reports.csv absent, skipped\n');
sets['sample'] = Array.from({ length: 2000 }, (_, i) => writeReport(planStudy(i, { seed: 7, size: 32, slices: 8, numPatients: 120 })).text);
const heldout = phiCorpus(HELDOUT_REPORTS, { seed: HELDOUT_SEED, set: 'heldout' });
sets['heldout'] = heldout.map((r) => r.text);

const speed: Record<string, Speed> = {};
for (const [name, texts] of Object.entries(sets)) {
  const s = (speed[name] = time(texts));
  process.stdout.write(`${name}: ${s.reports} reports: ${s.mbPerSecond} MB/s (${s.cpuMbPerSecond} per CPU second), ${s.reportsPerSecond} reports/s, ${s.usPerReport} µs/report\n`);
}

const score = scorePhi(heldout, deidentify);
const altered = Object.values(score.protectedAltered).reduce((a, b) => a + b, 0);
const protectedTokens = Object.values(score.protectedTotal).reduce((a, b) => a + b, 0);
process.stdout.write(`held-out recall: ${score.removed}/${score.identifiers} = ${round(100 * score.recall)}%\n`);
for (const [kind, c] of Object.entries(score.byClass).sort()) process.stdout.write(`  ${kind}: ${c.removed}/${c.total}\n`);
process.stdout.write(`held-out false positives: ${altered} of ${protectedTokens} protected clinical tokens altered; ` +
  `${score.spuriousSpans} of ${score.spans} replaced spans outside any identifier (${JSON.stringify(score.spuriousByKind)})\n`);

finish({
  bench: 'deid',
  anchor: null,
  indianaMbPerSecond: speed['indiana']?.mbPerSecond ?? null,
  indianaReportsPerSecond: speed['indiana']?.reportsPerSecond ?? null,
  indianaCpuMbPerSecond: speed['indiana']?.cpuMbPerSecond ?? null,
  sampleMbPerSecond: speed['sample']!.mbPerSecond,
  sampleCpuMbPerSecond: speed['sample']!.cpuMbPerSecond,
  heldoutMbPerSecond: speed['heldout']!.mbPerSecond,
  heldoutCpuMbPerSecond: speed['heldout']!.cpuMbPerSecond,
  heldoutIdentifiers: score.identifiers,
  heldoutRecall: Math.round(score.recall * 10000) / 10000,
  heldoutProtectedTokens: protectedTokens,
  heldoutProtectedAltered: altered,
  heldoutSpuriousSpans: score.spuriousSpans,
  peakRssMb: peakRssMb(),
});
