import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { runDemo } from '../../pipeline/demo.js';
import { formatCorpusStats } from '../../stats/corpus-stats.js';
import { printResult, workspaceDir } from '../output.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a synthetic archive and run the whole pipeline on it (what `npm start` runs)')
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('--studies <n>', 'studies in the synthetic archive', '80')
    .option('--seed <n>', 'random seed', '1')
    .option('--size <px>', 'image size', '64')
    .option('--slices <n>', 'slices per CT/MR series', '12')
    .option('--json', 'print one JSON object')
    .action(async (flags: { workspace?: string; studies: string; seed: string; size: string; slices: string; json?: boolean }) => {
      const log = flags.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
      const summary = await withWorkspace(workspaceDir(flags.workspace), (ws) =>
        runDemo(ws, { studies: Number(flags.studies), seed: Number(flags.seed), size: Number(flags.size), slices: Number(flags.slices), log }),
      );
      printResult(summary, flags.json, (s) => `\n${formatCorpusStats(s.stats)}`);
    });
}
