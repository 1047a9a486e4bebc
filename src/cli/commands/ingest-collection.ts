import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { OptionsError, ingestCollection, parseMaskRegions, type CollectionFormat } from '../../index.js';
import { integerFlag } from '../numbers.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { waitOption, workersOption, workspaceOption } from '../flags.js';
import { progressBar } from '../progress.js';

interface Flags extends WorkspaceFlags {
  format: CollectionFormat | 'auto';
  images?: string;
  cases?: string;
  name?: string;
  mask?: boolean;
  maskRegions?: string;
  size: number;
  workers?: number;
  concurrency: number;
  force?: boolean;
  json?: boolean;
}

/** medpix for a folder with Case_topic.json, iu for one with indiana_reports.csv, manifest for a file. */
export function detectCollectionFormat(input: string): CollectionFormat {
  if (existsSync(input) && statSync(input).isDirectory()) {
    if (existsSync(path.join(input, 'Case_topic.json'))) return 'medpix';
    if (existsSync(path.join(input, 'indiana_reports.csv'))) return 'iu';
    throw new OptionsError(`${input} is a folder with neither Case_topic.json (MedPix) nor indiana_reports.csv (Indiana): give --format`);
  }
  return 'manifest';
}

export function registerIngestCollection(program: Command): void {
  program
    .command('ingest-collection')
    .alias('ingest-pairs')
    .description('read an image–text collection without DICOM (a manifest, MedPix 2.0, Indiana): each case becomes a report, each image a key image whose caption is its key sentence')
    .argument('<path>', 'manifest file (CSV / JSON Lines), MedPix 2.0 folder, or Indiana folder')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--format <format>', 'manifest | medpix | iu | auto', 'auto')
    .option('--images <dir>', 'image folder (default: <folder>/images; a manifest: its own folder)')
    .option('--cases <file>', 'manifest only: cases file (case_id, text) with each case\'s report text')
    .option('--name <name>', 'collection name, part of each image\'s stable id (default: medpix2, iu-xray, the manifest\'s name)')
    .option('--mask', 'mask burned-in text regions (default for medpix)')
    .option('--no-mask', 'do not mask (default for iu and manifest)')
    .option('--mask-regions <spec>', 'regions to mask, fractions of the longest side, e.g. top-right:0.45x0.12,bottom:0.09 (implies --mask)')
    .option('--size <n>', 'PNG side in pixels', integerFlag('size', { min: 8, max: 8192 }), 256)
    .addOption(workersOption('worker threads for the case reports', 'cores - 1'))
    .option('--concurrency <n>', 'images converted at once', integerFlag('concurrency', { min: 1, max: 256 }), 8)
    .option('--force', 're-ingest even when up to date')
    .option('--json', 'print one JSON line {images, reports, rejected, digest}')
    .action(async (input: string, flags: Flags) => {
      const format = flags.format === 'auto' ? detectCollectionFormat(input) : flags.format;
      const regions = flags.maskRegions !== undefined ? parseMaskRegions(flags.maskRegions) : undefined;
      if (regions && flags.mask === false) throw new OptionsError('--mask-regions and --no-mask contradict each other');
      const bar = progressBar('images', !flags.json);
      const s = await inWorkspace('ingest-collection', flags, 'create', (ws) =>
        ingestCollection(ws, input, {
          format,
          ...(flags.images ? { imageDir: flags.images } : {}),
          ...(flags.cases ? { cases: flags.cases } : {}),
          ...(flags.name ? { name: flags.name } : {}),
          ...(regions ? { mask: true, maskRegions: regions } : flags.mask !== undefined ? { mask: flags.mask } : {}),
          size: flags.size,
          ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
          concurrency: flags.concurrency,
          force: flags.force ?? false,
          onProgress: (done) => bar.update(done),
        }),
      );
      bar.stop();
      if (flags.json) {
        // Exactly these four: a resumed run and an uninterrupted one print the same line.
        printResult({ images: s.images, reports: s.reports, rejected: s.rejected, digest: s.digest }, true, () => '');
        return;
      }
      printResult(s, false, (r) =>
        [
          `${r.upToDate ? 'up to date: ' : ''}${r.collection} (${r.format}): ${r.reports} reports, ${r.images} images, ${r.rejected} rejected` +
            (r.rejected ? ` (${Object.entries(r.rejectsByCode).map(([c, n]) => `${c} ${n}`).join(', ')}; see 'pacsmine rejects --stage ingest-collection')` : ''),
          `mask: ${r.mask ?? 'off'}; ${r.phiReplaced} identifiers replaced; ${r.seconds.toFixed(1)} s`,
          `digest ${r.digest}`,
        ].join('\n'),
      );
    });
}
