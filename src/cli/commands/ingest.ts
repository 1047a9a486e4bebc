import type { Command } from 'commander';
import { ingestReports, type ReportFormat } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { waitOption, workersOption, workspaceOption } from '../flags.js';
import { progressBar } from '../progress.js';

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
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
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
    .option('--json', 'print one JSON object')
    .action(async (file: string, flags: IngestFlags) => {
      const bar = progressBar('ingest', !flags.json);
      const summary = await inWorkspace('ingest', flags, 'create', (ws) =>
        ingestReports(ws, file, {
          format: flags.format,
          idColumn: flags.idColumn,
          textColumns: flags.textColumns?.split(',').map((s) => s.trim()).filter(Boolean),
          accessionColumn: flags.accessionColumn,
          patientColumn: flags.patientColumn,
          modalityColumn: flags.modalityColumn,
          dateColumn: flags.dateColumn,
          delimiter: flags.delimiter,
          maxReportBytes: flags.maxReportBytes,
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
