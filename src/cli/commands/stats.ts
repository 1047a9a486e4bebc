import type { Command } from 'commander';
import { computeCorpusStats, formatCorpusStats } from '../../stats/corpus-stats.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description("corpus statistics as in the paper's Tables 1, 2 and 4")
    .addOption(workspaceOption())
    .option('--top <n>', 'most frequent words to list', integerFlag('top', { min: 0, max: 1_000_000 }), 20)
    .option('--json', 'print one JSON object')
    .action(async (flags: WorkspaceFlags & { top: number; json?: boolean }) => {
      const stats = await inWorkspace('stats', flags, 'read', (ws) => computeCorpusStats(ws, { topN: flags.top }));
      printResult(stats, flags.json, formatCorpusStats);
    });
}
