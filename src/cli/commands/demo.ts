import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { runDemo } from '../../pipeline/demo.js';
import { formatCorpusStats } from '../../stats/corpus-stats.js';
import { printResult, workspaceDir } from '../output.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on built-in synthetic sample data')
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('--reports <n>', 'number of synthetic reports', '2000')
    .option('--seed <n>', 'random seed', '1')
    .option('--json', 'print one JSON object')
    .action(async (flags: { workspace?: string; reports: string; seed: string; json?: boolean }) => {
      const log = flags.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
      const summary = await withWorkspace(workspaceDir(flags.workspace), (ws) =>
        runDemo(ws, { reports: Number(flags.reports), seed: Number(flags.seed), log }),
      );
      printResult(summary, flags.json, (s) => `\n${formatCorpusStats(s.stats)}`);
    });
}
