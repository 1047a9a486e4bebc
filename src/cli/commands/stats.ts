import type { Command } from 'commander';
import { computeCorpusStats, type CorpusStats, type MeanStat } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';

/** The statistics as the paper's tables, for people. */
export function formatCorpusStats(s: CorpusStats): string {
  const lines: string[] = [];
  lines.push('Table 1. Statistics of the dataset');
  lines.push(`  documents              ${s.documents.toLocaleString('en-US')}`);
  lines.push(`  words in documents     ${s.words.toLocaleString('en-US')}`);
  lines.push(`  vocabulary             ${s.vocabulary.toLocaleString('en-US')}`);
  lines.push(`  image modalities       ${Object.keys(s.modalities).length} (${Object.entries(s.modalities).sort((a, b) => b[1] - a[1]).map(([m, c]) => `${m} ${c}`).join(', ')})`);
  lines.push(`  reports with key-image references ${s.reportsWithReferences.toLocaleString('en-US')}, references ${s.references.toLocaleString('en-US')}, key images ${s.keyImages.toLocaleString('en-US')}`);
  lines.push('');
  lines.push('Table 2. Most frequent words');
  lines.push(`  ${s.topWords.map((w) => `${w.word} (${w.count})`).join(', ')}`);
  lines.push('');
  lines.push('Table 4. Words per sentence');
  const row = (name: string, m: MeanStat): string => `  ${name.padEnd(44)} ${m.wordsPerSentence.toFixed(2)}  (${m.words} words / ${m.sentences} sentences)`;
  lines.push(row('reports-wide', s.wordsPerSentence.reportsWide));
  lines.push(row('image references (sentence +- 1)', s.wordsPerSentence.imageReferences));
  lines.push(row('image references, no stop words, no digits', s.wordsPerSentence.imageReferencesNoStopWordsNoDigits));
  const d = s.wordsPerSentence.imageReferencesDiseaseTerms;
  lines.push(d ? row('image references, disease terms only', d) : `  ${'image references, disease terms only'.padEnd(44)} not run (pacsmine describe)`);
  const w = s.perWindow;
  lines.push(`  per key-image window: ${w.words.mean.toFixed(2)} ± ${w.words.std.toFixed(2)} words` +
    (w.diseaseTerms ? `, ${w.diseaseTerms.mean.toFixed(2)} ± ${w.diseaseTerms.std.toFixed(2)} disease terms` : '') + ` (${w.words.count} windows)`);
  return lines.join('\n');
}

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
