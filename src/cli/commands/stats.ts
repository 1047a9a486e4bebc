import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { computeCorpusStats, formatCorpusStats } from '../../stats/corpus-stats.js';
import { printResult, workspaceDir } from '../output.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description("corpus statistics as in the paper's Tables 1, 2 and 4")
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('--top <n>', 'most frequent words to list', '20')
    .option('--json', 'print one JSON object')
    .action(async (flags: { workspace?: string; top: string; json?: boolean }) => {
      const stats = await withWorkspace(workspaceDir(flags.workspace), (ws) => computeCorpusStats(ws, { topN: Number(flags.top) }));
      printResult(stats, flags.json, formatCorpusStats);
    });
}
