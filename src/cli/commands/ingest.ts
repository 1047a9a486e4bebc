import type { Command } from 'commander';
import { enqueueIngest, ingestReports, OptionsError, type ReportFormat } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { addQueueOptions, waitOption, workersOption, workspaceOption } from '../flags.js';
import { progressBar, progressReporter } from '../progress.js';

interface IngestFlags extends WorkspaceFlags {
  format?: ReportFormat | 'auto';
  idColumn?: string;
  textColumns?: string;
  accessionColumn?: string;
  patientColumn?: string;
  modalityColumn?: string;
  dateColumn?: string;
  delimiter?: string;
  maxReportBytes?: number;
  workers?: number;
  strict?: boolean;
  force?: boolean;
  json?: boolean;
  queue?: string;
  redisTimeout: number;
  shardRecords?: number;
  shardBytes?: number;
}

export function registerIngest(program: Command): void {
  addQueueOptions(program
    .command('ingest'), 'the de-identification (CSV and JSON Lines files)')
    .description('read reports (CSV, JSON Lines, a .txt folder, FHIR R4 DiagnosticReport, HL7 v2 ORU^R01), de-identify, split sentences, extract key-image references')
    .argument('<path>', 'report file or folder')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--format <format>', 'csv | jsonl | txt | fhir | hl7 | auto', 'auto')
    .option('--id-column <name>', 'CSV/JSONL id column')
    .option('--text-columns <names>', 'CSV/JSONL text columns, comma-separated (each becomes a section)')
    .option('--accession-column <name>', 'CSV/JSONL accession number column')
    .option('--patient-column <name>', 'CSV/JSONL patient id column')
    .option('--modality-column <name>', 'CSV/JSONL modality column')
    .option('--date-column <name>', 'CSV/JSONL exam date column')
    .option('--delimiter <char>', 'CSV delimiter')
    .option('--max-report-bytes <n>', 'reject reports larger than this', integerFlag('max-report-bytes', { min: 1, max: 2 ** 31 - 1 }))
    .addOption(workersOption('worker threads for de-identification, sentences and references', 'one per core'))
    .option('--strict', 'stop at the first rejected record')
    .option('--force', 're-ingest even when up to date')
    .option('--shard-records <n>', 'with --queue: records per job (default 1000)', integerFlag('shard-records', { min: 1, max: 2 ** 31 - 1 }))
    .option('--shard-bytes <n>', 'with --queue: bytes per job instead (cut at the next record)', integerFlag('shard-bytes', { min: 1, max: Number.MAX_SAFE_INTEGER }))
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: IngestFlags) => {
      const source = {
        format: flags.format,
        idColumn: flags.idColumn,
        textColumns: flags.textColumns?.split(',').map((s) => s.trim()).filter(Boolean),
        accessionColumn: flags.accessionColumn,
        patientColumn: flags.patientColumn,
        modalityColumn: flags.modalityColumn,
        dateColumn: flags.dateColumn,
        delimiter: flags.delimiter,
        maxReportBytes: flags.maxReportBytes,
      };
      if (flags.queue === undefined && (flags.shardRecords !== undefined || flags.shardBytes !== undefined)) throw new OptionsError('--shard-records and --shard-bytes go with --queue');
      if (flags.queue !== undefined) {
        if (flags.strict) throw new OptionsError('--strict does not go with --queue (a queued ingest lists every reject)');
        if (flags.workers !== undefined) throw new OptionsError('--workers does not go with --queue: start more `pacsmine worker` processes');
        const reporter = progressReporter(!flags.json);
        const redis = flags.queue;
        try {
          const summary = await inWorkspace('ingest', flags, 'create', (ws) =>
            enqueueIngest(ws, file, {
              ...source, redis, redisTimeoutMs: flags.redisTimeout * 1000, force: flags.force,
              ...(flags.shardRecords !== undefined ? { shardRecords: flags.shardRecords } : {}),
              ...(flags.shardBytes !== undefined ? { shardBytes: flags.shardBytes } : {}),
              onProgress: reporter.onProgress,
            }));
          reporter.stop();
          printResult(summary, flags.json, (s) => `${s.upToDate ? 'up to date: ' : ''}${s.seen} records: ${s.ingested} ingested, ${s.rejected} rejected on the queue; ${s.references} key-image references, ${s.keyImages} key images, ${s.phiReplaced} identifiers replaced, ${s.seconds.toFixed(1)} s`);
        } finally {
          reporter.stop();
        }
        return;
      }
      const bar = progressBar('ingest', !flags.json);
      const summary = await inWorkspace('ingest', flags, 'create', (ws) =>
        ingestReports(ws, file, {
          ...source,
          workers: flags.workers,
          strict: flags.strict,
          force: flags.force,
          onProgress: (p) => bar.update(p.seen, { rejected: p.rejected }),
        }),
      );
      bar.stop();
      printResult(summary, flags.json, (s) =>
        [
          `${s.upToDate ? 'up to date: ' : ''}${s.resumedFrom ? `resumed after ${s.resumedFrom} records an interrupted run had committed; ` : ''}${s.seen} records: ${s.ingested} ingested, ${s.rejected} rejected` +
            (s.rejected ? ` (${Object.entries(s.rejectsByCode).map(([c, n]) => `${c} ${n}`).join(', ')}; see 'pacsmine rejects')` : ''),
          `${s.references} key-image references, ${s.keyImages} key images, ${s.phiReplaced} identifiers replaced, ` +
            `${s.controlCharsReplaced ? `${s.controlCharsReplaced} control characters replaced, ` : ''}${s.seconds.toFixed(1)} s`,
        ].join('\n'),
      );
    });
}
