import type { Command } from 'commander';
import { runDescribeStage } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { waitOption, workspaceOption } from '../flags.js';
import { ontologyPath, parseScopes } from './terms.js';

interface DescribeFlags extends WorkspaceFlags {
  ontology?: string;
  scopes: string;
  includeNegated?: boolean;
  force?: boolean;
  json?: boolean;
}

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description('disease terms and bigram descriptions (512-d targets) for every key image in the workspace')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--ontology <file>', 'Disease Ontology OBO file (default: $PACSMINE_ONTOLOGY)')
    .option('--scopes <list>', 'synonym scopes matched besides names', 'EXACT')
    .option('--include-negated', 'let negated terms into the descriptions too')
    .option('--force', 'run again even when up to date')
    .option('--json', 'print JSON')
    .action(async (flags: DescribeFlags) => {
      const result = await inWorkspace('describe', flags, 'update', (ws) =>
        runDescribeStage(ws, {
          ...(ontologyPath(flags.ontology) !== undefined ? { ontologyPath: ontologyPath(flags.ontology) } : {}),
          synonymScopes: parseScopes(flags.scopes),
          statuses: flags.includeNegated ? ['affirmed', 'uncertain', 'negated'] : ['affirmed', 'uncertain'],
          force: flags.force ?? false,
        }));
      printResult(result, flags.json, (r) => r.skipped ? 'describe: up to date' :
        `describe: ${r.termHits} term hits in ${r.refs} reference windows; ${r.keyImagesWithBigrams} of ${r.keyImages} key images have bigrams (${r.bigramRows} targets); Table 4: \`pacsmine stats\``);
    });
}
