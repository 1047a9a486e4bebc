import type { Command } from 'commander';
import { OptionsError, searchImages } from '../../index.js';
import { inWorkspace, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';

interface SearchFlags extends WorkspaceFlags {
  top: number;
  split?: string;
  json?: boolean;
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('key images whose regression outputs lie nearest the query\'s words, with their captions')
    .argument('<query...>', 'words to search for, e.g. "pleural effusion"')
    .addOption(workspaceOption())
    .option('--top <n>', 'results', integerFlag('top', { min: 1, max: 100_000 }), 10)
    .option('--split <name>', 'only images of this split (train | validation | test)')
    .option('--json', 'print [{"image","score","caption","path"}, ...]')
    .action(async (words: string[], f: SearchFlags) => {
      if (f.split !== undefined && !['train', 'validation', 'test'].includes(f.split)) throw new OptionsError(`--split must be train, validation or test, got '${f.split}'`);
      const query = words.join(' ');
      const r = await inWorkspace('search', f, 'read', (ws) => searchImages(ws, query, { top: f.top, ...(f.split !== undefined ? { split: f.split as 'train' } : {}) }));
      if (f.json) process.stdout.write(`${JSON.stringify(r.hits.map((h) => ({ image: h.image, score: h.score, caption: h.caption, path: h.path })))}\n`);
      else for (const h of r.hits) process.stdout.write(`${h.score.toFixed(3)}  ${h.image}  ${h.caption}\n`);
      if (r.unknown.length && r.words.length) process.stderr.write(`search: not in the vocabulary, left out: ${r.unknown.join(', ')}\n`);
      if (r.reason !== undefined) process.stderr.write(`search: no results: ${r.reason}\n`);
    });
}
