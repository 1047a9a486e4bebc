import type { Command } from 'commander';
import { OptionsError, WordVectors, loadWorkspaceVectors, type Word2VecFormat } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';

interface NeighborsFlags extends WorkspaceFlags {
  vectors?: string;
  format: string;
  topn: number;
  negative?: string[];
  pca?: boolean;
  json?: boolean;
}

export function registerNeighbors(program: Command): void {
  program
    .command('neighbors')
    .description('nearest words by cosine similarity (several words: their sum; with --negative: an analogy)')
    .argument('<words...>', 'query words')
    .option('--vectors <file>', 'a word2vec file (default: the workspace vectors from `pacsmine embed`)')
    .option('--format <format>', 'binary or text, for --vectors', 'binary')
    .addOption(workspaceOption())
    .option('-n, --topn <n>', 'how many neighbours', integerFlag('topn', { min: 1, max: 1_000_000 }), 10)
    .option('--negative <words...>', 'words to subtract (a : b :: c : ? is `neighbors b c --negative a`)')
    .option('--pca', 'also print a 2-D PCA projection of the query words and their neighbours (Figure 6)')
    .option('--json', 'print JSON')
    .action(async (words: string[], flags: NeighborsFlags) => {
      const topn = flags.topn;
      let vectors: WordVectors;
      if (flags.vectors) {
        if (flags.format !== 'binary' && flags.format !== 'text') throw new OptionsError(`--format must be binary or text, got ${flags.format}`);
        vectors = WordVectors.load(flags.vectors, flags.format as Word2VecFormat);
      } else {
        vectors = await inWorkspace('neighbors', flags, 'read', (ws) => loadWorkspaceVectors(ws));
      }
      const neighbours = vectors.mostSimilar(words, flags.negative ?? [], topn);
      const projection = flags.pca ? vectors.project2d([...words, ...neighbours.map((n) => n.word)]) : undefined;
      const result = projection ? { neighbours, projection } : neighbours;
      printResult(result, flags.json, () =>
        neighbours.map((n) => `${n.word}\t${n.similarity.toFixed(4)}`).join('\n') +
        (projection ? `\n\n${projection.map((p) => `${p.word}\t${p.x.toFixed(4)}\t${p.y.toFixed(4)}`).join('\n')}` : ''));
    });
}
