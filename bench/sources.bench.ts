/**
 * Report sources: generates (in a temp dir) a 300,000-report export as CSV, JSON Lines, FHIR
 * NDJSON and HL7 ORU^R01, reads each with readReports and prints records/s per format, and the
 * peak RSS (streaming: it must stay far below the file sizes). No anchor: the target is
 * 20,000 reports/s per core for the whole ingest, and well over 100,000 short records/s here.
 * `--n=N` changes the number of reports.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../src/util/rng.js';
import { readReports, type SourceOptions } from '../src/ingest/source.js';
import { CSV_HEADER, csvRow, fhirDiagnosticReport, hl7Message, jsonlLine, syntheticReport, writeGenerated } from '../testing/report-exports.js';
import { finish, peakRssMb } from './lib/report.js';

const nArg = process.argv.find((a) => a.startsWith('--n='));
const n = nArg ? Number(nArg.slice(4)) : 300_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-sources-bench-'));
const textColumns = ['findings', 'impression'];

interface Case { format: string; file: string; options: SourceOptions; line: (i: number) => string; head?: string }
const cases: Case[] = [
  { format: 'csv', file: 'reports.csv', options: { textColumns }, line: (i) => `${csvRow(report(i))}\n`, head: CSV_HEADER },
  { format: 'jsonl', file: 'reports.jsonl', options: { textColumns }, line: (i) => `${jsonlLine(report(i))}\n` },
  { format: 'fhir', file: 'reports.ndjson', options: { format: 'fhir' }, line: (i) => `${JSON.stringify(fhirDiagnosticReport(report(i)))}\n` },
  { format: 'hl7', file: 'reports.hl7', options: {}, line: (i) => hl7Message(report(i)) },
];

let rng = new Rng(1);
function report(i: number) { return syntheticReport(rng, i); }

const result: Record<string, unknown> = { bench: 'sources', reports: n };
try {
  for (const c of cases) {
    rng = new Rng(1);
    const file = path.join(dir, c.file);
    writeGenerated(file, n, c.line, c.head);
    const sizeMb = statSync(file).size / (1024 * 1024);
    const t0 = performance.now();
    let ok = 0, rejected = 0, textChars = 0;
    for await (const item of readReports(file, c.options)) {
      if (item.ok) { ok++; textChars += item.record.text.length; } else rejected++;
    }
    const seconds = (performance.now() - t0) / 1000;
    rmSync(file);
    if (ok !== n || rejected !== 0) throw new Error(`${c.format}: expected ${n} ok, got ${ok} ok and ${rejected} rejected`);
    const perSecond = Math.round(n / seconds);
    process.stdout.write(`${c.format.padEnd(6)} ${n} reports, ${sizeMb.toFixed(1)} MiB, ${seconds.toFixed(2)} s: ${perSecond} records/s, ${(sizeMb / seconds).toFixed(1)} MiB/s (${textChars} text chars)\n`);
    result[`${c.format}RecordsPerSecond`] = perSecond;
    result[`${c.format}MiBPerSecond`] = Math.round((sizeMb / seconds) * 10) / 10;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
result['peakRssMb'] = peakRssMb();
result['target'] = '>= 100000 records/s for CSV and JSONL; >= 20000 reports/s for the whole ingest';
process.stdout.write(`peak RSS ${String(result['peakRssMb'])} MiB\n`);
finish(result);
