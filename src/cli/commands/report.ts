import type { Command } from 'commander';
import { writeReport } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { workspaceOption } from '../flags.js';

interface ReportFlags extends WorkspaceFlags {
  out?: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("one self-contained HTML page of every result: the paper's tables and figures with this workspace's numbers (stages not run are shown as such)")
    .addOption(workspaceOption())
    .option('--out <file>', 'the HTML file (default: report.html in the workspace)')
    .option('--json', 'also print the numbers the page shows, as one JSON object')
    .action(async (f: ReportFlags) => {
      const r = await inWorkspace('report', f, 'read', (ws) => writeReport(ws, f.out !== undefined ? { out: f.out } : {}));
      printResult({ file: r.file, bytes: r.bytes, seconds: r.seconds, ...r.data }, f.json, (x) =>
        `report: ${x.file} (${(x.bytes / 1024).toFixed(0)} KiB in ${x.seconds.toFixed(1)} s)`);
    });
}
