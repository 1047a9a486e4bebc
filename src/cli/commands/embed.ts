import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { withWorkspace } from '../../store/workspace.js';
import { runEmbedStage } from '../../embeddings/stage.js';
import { trainWord2Vec, type Word2VecOptions, type KernelKind } from '../../embeddings/word2vec.js';
import { sentenceTokens } from '../../embeddings/sentences.js';
import { saveWord2VecFormat, type Word2VecFormat } from '../../embeddings/format.js';
import { OptionsError } from '../../util/errors.js';
import { printResult, workspaceDir } from '../output.js';
import { parseInteger } from '../numbers.js';

interface EmbedFlags {
  workspace?: string;
  text?: string[];
  extra?: string[];
  out?: string;
  format: string;
  vectorSize: string;
  window: string;
  minCount: string;
  sample: string;
  negative: string;
  hs: boolean;
  epochs: string;
  workers: string;
  seed: string;
  kernel: string;
  force?: boolean;
  json?: boolean;
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('train skip-gram word vectors (word2vec) on the workspace reports, or on text files with --text')
    .option('--workspace <dir>', 'workspace folder')
    .option('--text <files...>', 'train on these plain-text files (one document per line) instead of a workspace; needs --out')
    .option('--extra <files...>', 'extra corpus files added to the reports (e.g. biomedical articles)')
    .option('--out <file>', 'write the vectors here (word2vec format)')
    .option('--format <format>', 'binary or text (word2vec formats, both read by gensim)', 'binary')
    .option('--vector-size <n>', 'dimensions', '256')
    .option('--window <n>', 'context window', '10')
    .option('--min-count <n>', 'drop rarer words', '5')
    .option('--sample <x>', 'frequent-word sub-sampling threshold', '1e-4')
    .option('--negative <n>', 'negative samples per pair (0 = none)', '0')
    .option('--no-hs', 'turn hierarchical softmax off (needs --negative)')
    .option('--epochs <n>', 'passes over the corpus', '5')
    .option('--workers <n>', 'threads (1 = reproducible for a seed)', '1')
    .option('--seed <n>', 'random seed', '1')
    .option('--kernel <kind>', 'auto, wasm (SIMD) or ts (reference)', 'auto')
    .option('--force', 'train again even when up to date')
    .option('--json', 'print JSON')
    .action(async (flags: EmbedFlags) => {
      const options: Word2VecOptions = {
        vectorSize: int(flags.vectorSize, 'vector-size'),
        window: int(flags.window, 'window'),
        minCount: int(flags.minCount, 'min-count'),
        sample: Number(flags.sample),
        negative: int(flags.negative, 'negative'),
        hs: flags.hs,
        epochs: int(flags.epochs, 'epochs'),
        workers: int(flags.workers, 'workers'),
        seed: int(flags.seed, 'seed'),
        kernel: flags.kernel as KernelKind | 'auto',
      };
      const format = flags.format as Word2VecFormat;
      if (format !== 'binary' && format !== 'text') throw new OptionsError(`--format must be binary or text, got ${flags.format}`);
      if (flags.text) {
        if (!flags.out) throw new OptionsError('--text needs --out FILE for the vectors');
        const texts = [...flags.text, ...(flags.extra ?? [])].flatMap((f) => readFileSync(f, 'utf8').split('\n'));
        const { vectors, report } = await trainWord2Vec([...sentenceTokens(texts)], options);
        saveWord2VecFormat(vectors, flags.out, format);
        const { options: _o, ...summary } = report;
        printResult({ vectorsPath: flags.out, ...summary }, flags.json, (r) =>
          `${r.numWords} words × ${options.vectorSize} dims from ${r.rawWordsPerEpoch} words/epoch in ${r.trainSeconds.toFixed(1)} s (${Math.round(r.wordsPerSecond)} words/s, ${r.kernel}) -> ${r.vectorsPath}`);
        return;
      }
      const result = await withWorkspace(workspaceDir(flags.workspace), async (ws) => {
        const r = await runEmbedStage(ws, { ...options, extraCorpus: flags.extra ?? [], force: flags.force ?? false });
        if (flags.out) {
          const { loadWord2VecFormat } = await import('../../embeddings/format.js');
          saveWord2VecFormat(loadWord2VecFormat(r.vectorsPath, 'binary'), flags.out, format);
        }
        return r;
      });
      printResult(result, flags.json, (r) =>
        r.skipped ? `embed: up to date (${r.vectorsPath})` :
          `embed: ${r.report?.numWords} words from ${r.reports} reports + ${r.extraDocuments} extra documents, ${Math.round(r.report?.wordsPerSecond ?? 0)} words/s -> ${r.vectorsPath}`);
    });
}

const int = parseInteger;
