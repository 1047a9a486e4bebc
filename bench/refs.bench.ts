/**
 * Key-image reference extraction speed: extractReferences over the Indiana chest X-ray reports
 * (findings + impression; they hold prose about images but no references) and over synthetic
 * ~500-character reports with references in every form. Prints reports/s, µs per report and
 * refs/s; the anchor is a single Python `re` pattern of the usual "series N image N" kind run on
 * the same texts (speed only: it handles fewer forms).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { extractReferences } from '../src/refs/extract.js';
import { Rng } from '../src/util/rng.js';
import { sharedDataDir } from '../testing/requirements.js';
import { finish, peakRssMb, runPythonAnchor } from './lib/report.js';

const SEED = 2015;
const NUM_SYNTHETIC = 20_000;
const MIN_SECONDS = 1.5;

function indianaTexts(): string[] | undefined {
  const file = path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv');
  if (!existsSync(file)) return undefined;
  const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return rows.map((r) => `${r['findings'] ?? ''} ${r['impression'] ?? ''}`.trim()).filter((t) => t.length > 0);
}

const SENTENCES = [
  'The lungs are clear without focal consolidation.', 'No pleural effusion or pneumothorax.',
  'Contiguous 2.5 mm axial images of the abdomen were obtained after contrast.',
  'Heart size is within normal limits.', 'There is mild fat stranding of the right parapharyngeal soft tissues.',
  'Degenerative changes of the cervical spine are noted.', 'A series of images was reviewed.',
  'Multiple bilateral lung masses are increasing since the prior study.', 'The liver measures 16 cm.',
];
const REFERENCE_FORMS: Array<(rng: Rng) => string> = [
  (r) => `(series ${r.range(1, 1200)}, image ${r.range(1, 400)})`,
  (r) => `(e.g. series ${r.range(1, 9)} image ${r.range(1, 300)})`,
  (r) => { const lo = r.range(10, 300); return `(series ${r.range(1, 9)} image ${lo}-${(lo % 10) + r.range(0, 9 - (lo % 10))})`; },
  (r) => `(series ${r.range(1, 9)} images ${r.range(1, 90)}, ${r.range(100, 150)}, ${r.range(151, 160)}-${r.range(161, 170)})`,
  (r) => `on image ${r.range(1, 300)} of series ${r.range(1, 9)}`,
  (r) => `(se ${r.range(1, 9)} im ${r.range(1, 300)}; series ${r.range(1, 9)}/${r.range(10, 19)} image #${r.range(1, 300)})`,
];

/** Synthetic reports of about 500 characters, each with 0 to 3 references. */
function syntheticTexts(): string[] {
  const rng = new Rng(SEED);
  const out: string[] = [];
  for (let d = 0; d < NUM_SYNTHETIC; d++) {
    let text = '';
    let refs = rng.int(4);
    while (text.length < 500) {
      const sentence = rng.pick(SENTENCES);
      if (refs > 0 && rng.chance(0.3)) {
        refs--;
        text += `${sentence.slice(0, -1)} ${rng.pick(REFERENCE_FORMS)(rng)}. `;
      } else {
        text += `${sentence} `;
      }
    }
    out.push(text);
  }
  return out;
}

/** Runs extractReferences over `texts` for at least MIN_SECONDS; returns the per-report figures. */
function time(texts: string[]): { usPerReport: number; reportsPerSecond: number; refsPerSecond: number; refs: number; chars: number } {
  let refs = 0;
  for (const t of texts) refs += extractReferences(t).length; // warm-up, and the reference count
  let passes = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let i = 0; i < texts.length; i++) extractReferences(texts[i]!);
    passes++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  } while (elapsed < MIN_SECONDS);
  const reports = passes * texts.length;
  const chars = texts.reduce((sum, t) => sum + t.length, 0) / texts.length;
  return {
    usPerReport: round((elapsed * 1e6) / reports),
    reportsPerSecond: Math.round(reports / elapsed),
    refsPerSecond: Math.round((refs * passes) / elapsed),
    refs,
    chars: Math.round(chars),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const ANCHOR = String.raw`
import json, re, sys, time
PAT = re.compile(r'\b(?:series|ser|se)\.?\s*:?\s*#?(\d{1,6})(?:\s*/\s*#?\d{1,6})*\s*,?\s*(?:images?|img|im|slices?)\.?\s*:?\s*#?(\d{1,6}(?:\s*-\s*\d{1,6})?(?:\s*(?:,|and)\s*\d{1,6}(?:\s*-\s*\d{1,6})?)*)', re.I)
out = {}
for name, texts in json.load(open(sys.argv[1])).items():
    refs = sum(1 for t in texts for _ in PAT.finditer(t))
    passes, start = 0, time.perf_counter()
    while True:
        for t in texts:
            for m in PAT.finditer(t):
                m.group(2)
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed > 1.5: break
    out[name] = {'usPerReport': round(elapsed * 1e6 / (passes * len(texts)), 3), 'refs': refs}
print(json.dumps(out))
`;

const sets: Record<string, string[]> = {};
const indiana = indianaTexts();
if (indiana) sets['indiana'] = indiana;
else process.stdout.write('indiana: ../shared/data/iu-xray/indiana_reports.csv absent, skipped\n');
sets['synthetic'] = syntheticTexts();

const ours: Record<string, ReturnType<typeof time>> = {};
for (const [name, texts] of Object.entries(sets)) {
  ours[name] = time(texts);
  const r = ours[name]!;
  process.stdout.write(`${name}: ${texts.length} reports of ~${r.chars} chars, ${r.refs} refs: ` +
    `${r.usPerReport} µs/report, ${r.reportsPerSecond} reports/s, ${r.refsPerSecond} refs/s\n`);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-refs-bench-'));
let anchor: Record<string, unknown> | undefined;
try {
  const file = path.join(dir, 'texts.json');
  writeFileSync(file, JSON.stringify(sets));
  anchor = runPythonAnchor(ANCHOR, [file]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const anchorUs = (name: string): number | undefined => (anchor?.[name] as { usPerReport?: number } | undefined)?.usPerReport;
for (const name of Object.keys(sets)) {
  const a = anchorUs(name);
  if (a !== undefined) process.stdout.write(`anchor (python re) ${name}: ${a} µs/report, ${JSON.stringify((anchor?.[name] as { refs?: number }).refs)} refs\n`);
}

const syntheticAnchor = anchorUs('synthetic');
finish({
  bench: 'refs',
  indianaUsPerReport: ours['indiana']?.usPerReport ?? null,
  indianaReports: indiana?.length ?? 0,
  syntheticUsPerReport: ours['synthetic']!.usPerReport,
  syntheticReportsPerSecond: ours['synthetic']!.reportsPerSecond,
  syntheticRefsPerSecond: ours['synthetic']!.refsPerSecond,
  syntheticRefs: ours['synthetic']!.refs,
  anchorIndianaUsPerReport: anchorUs('indiana') ?? null,
  anchorSyntheticUsPerReport: syntheticAnchor ?? null,
  speedupVsAnchor: syntheticAnchor ? round(syntheticAnchor / ours['synthetic']!.usPerReport) : null,
  peakRssMb: peakRssMb(),
});
