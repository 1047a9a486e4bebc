import type { Command } from 'commander';
import { runDemo, writeReport } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { seedOption, waitOption, workspaceOption } from '../flags.js';
import { formatCorpusStats } from './stats.js';

interface DemoFlags extends WorkspaceFlags {
  studies: number;
  seed: number;
  size: number;
  slices: number;
  json?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a synthetic archive and run the whole pipeline on it (what `npm start` runs)')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--studies <n>', 'studies in the synthetic archive', integerFlag('studies', { min: 1, max: 1_000_000 }), 80)
    .addOption(seedOption())
    .option('--size <px>', 'image size', integerFlag('size', { min: 16, max: 2048 }), 64)
    .option('--slices <n>', 'slices per CT/MR series', integerFlag('slices', { min: 1, max: 2000 }), 12)
    .option('--json', 'print one JSON object')
    .action(async (flags: DemoFlags) => {
      const log = flags.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
      const summary = await inWorkspace('demo', flags, 'create', async (ws) => {
        const s = await runDemo(ws, { studies: flags.studies, seed: flags.seed, size: flags.size, slices: flags.slices, log });
        // Last: the HTML report of every result above (src/report), its path the final line `npm start` prints.
        const { file, bytes } = await writeReport(ws);
        return { ...s, report: { file, bytes } };
      });
      printResult(summary, flags.json, (s) => `\n${formatCorpusStats(s.stats)}\n\nreport: ${s.report.file}`);
    });
}
