/**
 * The main job on built-in sample data (`npm start`): generate a synthetic picture archive (DICOM
 * files, reports, ground truth), then run every stage on it in one workspace: ingest the reports,
 * index the DICOM headers, link key-image references to files, convert key images to PNG, and
 * compute the corpus statistics. Stages record what they ran with, so a second run skips what is
 * up to date; the archive itself is regenerated only when its options change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { stableJson } from '../store/workspace.js';
import { generateArchive, type GenerateSummary } from '../sample/generate.js';
import { ingestReports, type IngestSummary } from '../reports/ingest.js';
import { indexDicomFolder, type IndexSummary } from '../images/indexer.js';
import { linkKeyImages, type LinkSummary } from '../linking/link.js';
import { convertKeyImages, type ConvertSummary } from '../images/convert.js';
import { computeCorpusStats, type CorpusStats } from '../stats/corpus-stats.js';

export interface DemoOptions {
  /** Studies in the synthetic archive. Default 80: the whole pipeline stays quick on 2 cores. */
  studies?: number;
  seed?: number;
  /** Image size in pixels (default 64) and slices per series (default 12): small, for speed. */
  size?: number;
  slices?: number;
  log?: (line: string) => void;
}

export interface DemoSummary {
  archive: GenerateSummary;
  ingest: IngestSummary;
  images: IndexSummary;
  link: LinkSummary;
  convert: ConvertSummary;
  stats: CorpusStats;
}

/** Generates the archive under the workspace unless one with the same options is already there. */
async function sampleArchive(ws: Workspace, o: Required<Omit<DemoOptions, 'log'>>): Promise<GenerateSummary> {
  const outDir = ws.artifactPath('sample-archive');
  const stamp = path.join(outDir, 'demo-options.json');
  const summaryFile = path.join(outDir, 'demo-summary.json');
  if (existsSync(stamp) && existsSync(summaryFile) && readFileSync(stamp, 'utf8') === stableJson(o)) {
    return JSON.parse(readFileSync(summaryFile, 'utf8')) as GenerateSummary;
  }
  const summary = await generateArchive({ outDir, studies: o.studies, seed: o.seed, size: o.size, slices: o.slices });
  writeFileSync(summaryFile, JSON.stringify(summary));
  writeFileSync(stamp, stableJson(o));
  return summary;
}

export async function runDemo(ws: Workspace, options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const o = { studies: options.studies ?? 80, seed: options.seed ?? 1, size: options.size ?? 64, slices: options.slices ?? 12 };

  log(`sample: a synthetic archive of ${o.studies} studies (seed ${o.seed}, ${o.size}x${o.size} px, ${o.slices} slices a series)`);
  const archive = await sampleArchive(ws, o);
  log(`sample: ${archive.files} DICOM files, ${archive.studies} reports, ${archive.keyImages} key images in the ground truth`);

  const ingest = await ingestReports(ws, archive.reportsCsv, {
    format: 'csv', idColumn: 'report_id', textColumns: ['text'],
    accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date',
  });
  log(`ingest: ${ingest.ingested} reports, ${ingest.rejected} rejected, ${ingest.references} key-image references, ${ingest.phiReplaced} identifiers replaced${ingest.upToDate ? ' (up to date)' : ''}`);

  const images = indexDicomFolder(ws, archive.dicomDir);
  log(`images: ${images.indexed} DICOM headers indexed, ${images.rejected} rejected`);

  const link = linkKeyImages(ws);
  log(`link: ${link.bySeriesInstance + link.byInstanceOnly} of ${link.keyImages} key images linked to files (${link.unresolved} unresolved, listed in rejects)`);

  const convert = await convertKeyImages(ws);
  log(`convert: ${convert.converted} key images written as 256x256 PNG, ${convert.rejected} rejected`);

  const stats = computeCorpusStats(ws);
  return { archive, ingest, images, link, convert, stats };
}
