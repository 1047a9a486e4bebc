/**
 * The main job on built-in sample data (`npm start`): generate a synthetic archive, then run
 * every stage that exists on it, in one workspace. Each stage records what it ran with, so a
 * second `npm start` skips what is up to date.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Workspace } from '../store/workspace.js';
import { generateSyntheticReports } from '../reports/synthetic.js';
import { ingestReports, type IngestSummary } from '../reports/ingest.js';
import { linkKeyImages, type LinkSummary } from '../linking/link.js';
import { computeCorpusStats, type CorpusStats } from '../stats/corpus-stats.js';

export interface DemoOptions {
  reports?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface DemoSummary {
  sample: { reports: number; file: string };
  ingest: IngestSummary;
  link: LinkSummary;
  stats: CorpusStats;
}

/** Writes the synthetic reports as JSON Lines (id, accession, patient_id, modality, exam_date, text). */
export async function writeSyntheticReports(file: string, count: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  for (const r of generateSyntheticReports(count, seed)) {
    const line = JSON.stringify({ id: r.id, accession: r.accession, patient_id: r.patientId, modality: r.modality, exam_date: r.examDate, text: r.text });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function runDemo(ws: Workspace, options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const count = options.reports ?? 2000;
  const seed = options.seed ?? 1;
  const file = ws.artifactPath('sample', `reports-${count}-${seed}.jsonl`);
  log(`sample: writing ${count} synthetic reports (seed ${seed})`);
  await writeSyntheticReports(file, count, seed);
  log('ingest: de-identifying, splitting sentences, extracting key-image references');
  const ingest = await ingestReports(ws, file, {
    format: 'jsonl', idColumn: 'id', textColumns: ['text'],
    accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date',
  });
  log(`ingest: ${ingest.ingested} ingested, ${ingest.rejected} rejected, ${ingest.references} references${ingest.upToDate ? ' (up to date)' : ''}`);
  const link = linkKeyImages(ws);
  log(`link: ${link.bySeriesInstance + link.byInstanceOnly} of ${link.keyImages} key images linked to images`);
  const stats = computeCorpusStats(ws);
  return { sample: { reports: count, file }, ingest, link, stats };
}
