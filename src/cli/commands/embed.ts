import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { OptionsError, Word2Vec, WordVectors, runEmbedStage, sentenceTokens, type KernelKind, type Word2VecFormat, type Word2VecOptions } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, numberFlag } from '../numbers.js';
import { seedOption, waitOption, workersOption, workspaceOption } from '../flags.js';
import { progressReporter } from '../progress.js';

interface EmbedFlags extends WorkspaceFlags {
  text?: string[];
  extra?: string[];
  caseText?: boolean | string[];
  out?: string;
  format: string;
  vectorSize: number;
  window: number;
  minCount: number;
  sample: number;
  negative: number;
  hs: boolean;
  epochs: number;
  workers?: number;
  seed: number;
  kernel: string;
  force?: boolean;
  json?: boolean;
}

export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('train skip-gram word vectors (word2vec) on the workspace reports, or on text files with --text')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--text <files...>', 'train on these plain-text files (one document per line) instead of a workspace; needs --out')
    .option('--extra <files...>', 'extra corpus files added to the reports (e.g. biomedical articles)')
    .option('--case-text [kinds...]', 'add the case text kept beside the reports (case_extra_text, e.g. MedPix\'s disease-discussion): every kind, or these')
    .option('--out <file>', 'write the vectors here (word2vec format)')
    .option('--format <format>', 'binary or text (word2vec formats, both read by gensim)', 'binary')
    .option('--vector-size <n>', 'dimensions', integerFlag('vector-size', { min: 1, max: 10_000 }), 256)
    .option('--window <n>', 'context window', integerFlag('window', { min: 1, max: 1000 }), 10)
    .option('--min-count <n>', 'drop rarer words', integerFlag('min-count', { min: 1 }), 5)
    .option('--sample <x>', 'frequent-word sub-sampling threshold (0 = none)', numberFlag('sample', { min: 0, max: 1 }), 1e-4)
    .option('--negative <n>', 'negative samples per pair (0 = none)', integerFlag('negative', { min: 0, max: 1000 }), 0)
    .option('--no-hs', 'turn hierarchical softmax off (needs --negative)')
    .option('--epochs <n>', 'passes over the corpus', integerFlag('epochs', { min: 1, max: 100_000 }), 5)
    .addOption(workersOption('training threads (0: the main thread; 0 and 1 give the same vectors for a seed; more: Hogwild worker threads, not bit-reproducible)', 'one per core'))
    .addOption(seedOption())
    .option('--kernel <kind>', 'auto, wasm (SIMD) or ts (reference)', 'auto')
    .option('--force', 'train again even when up to date')
    .option('--json', 'print JSON')
    .action(async (flags: EmbedFlags) => {
      const options: Word2VecOptions = {
        vectorSize: flags.vectorSize,
        window: flags.window,
        minCount: flags.minCount,
        sample: flags.sample,
        negative: flags.negative,
        hs: flags.hs,
        epochs: flags.epochs,
        ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
        seed: flags.seed,
        kernel: flags.kernel as KernelKind | 'auto',
      };
      const format = flags.format as Word2VecFormat;
      if (format !== 'binary' && format !== 'text') throw new OptionsError(`--format must be binary or text, got ${flags.format}`);
      const progress = progressReporter(!flags.json);
      // Ctrl-C stops training between chunks (exit code 130) instead of killing it mid-write.
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      const control = { signal: abort.signal, onProgress: progress.onProgress };
      try {
        if (flags.text) {
          if (!flags.out) throw new OptionsError('--text needs --out FILE for the vectors');
          const texts = [...flags.text, ...(flags.extra ?? [])].flatMap((f) => readFileSync(f, 'utf8').split('\n'));
          const model = new Word2Vec(options);
          const report = await model.train([...sentenceTokens(texts)], control);
          model.wv.save(flags.out, format);
          progress.stop();
          printResult({ vectorsPath: flags.out, ...report, digest: model.digest() }, flags.json, (r) =>
            `${r.numWords} words × ${model.options.vectorSize} dims from ${r.rawWordsPerEpoch} words/epoch in ${r.trainSeconds.toFixed(1)} s (${Math.round(r.wordsPerSecond)} words/s, ${r.kernel}) -> ${r.vectorsPath}`);
          return;
        }
        const result = await inWorkspace('embed', flags, 'update', async (ws) => {
          const r = await runEmbedStage(ws, { ...options, ...control, extraCorpus: flags.extra ?? [], caseExtraText: flags.caseText ?? false, force: flags.force ?? false });
          if (flags.out) WordVectors.load(r.vectorsPath, 'binary').save(flags.out, format);
          return r;
        });
        progress.stop();
        printResult(result, flags.json, (r) =>
          r.skipped ? `embed: up to date (${r.vectorsPath})` :
            `embed: ${r.report?.numWords} words from ${r.reports} reports + ${r.extraDocuments} extra documents + ${r.caseExtraTexts} case texts, ${Math.round(r.report?.wordsPerSecond ?? 0)} words/s` +
            `${r.report?.resumedFromEpoch ? ` (resumed after epoch ${r.report.resumedFromEpoch})` : ''} -> ${r.vectorsPath}`);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
