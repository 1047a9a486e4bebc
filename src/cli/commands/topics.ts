import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { LdaModel, OPTION_VALUES, OptionsError, labelDocuments, runTopicStage, type CorpusOptions, type LabelOptions, type TopicLevel } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, integerListFlag, numberFlag } from '../numbers.js';
import { seedOption, waitOption, workersOption, workspaceOption } from '../flags.js';
import { progressReporter } from '../progress.js';

interface TopicsFlags extends WorkspaceFlags {
  input?: string;
  out?: string;
  level: string;
  k?: number;
  sweep?: number[];
  iterations: number;
  seed: number;
  workers?: number;
  alpha?: number;
  beta?: number;
  optimizeAlpha?: boolean;
  tolerance?: number;
  topWords: number;
  minLength?: number;
  minDocFreq?: number;
  dropTop?: number;
  minDocLength?: number;
  checkpointEvery?: number;
  force?: boolean;
  json?: boolean;
}

/** Documents of a plain file: JSON lines (a string, or {id, text}) or one document per text line. */
function readInput(file: string): { id: string; text: string }[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const t = line.trim();
    if (t.startsWith('{') || t.startsWith('"')) {
      let v: unknown;
      try { v = JSON.parse(t); } catch { throw new OptionsError(`${file}: line ${i + 1} is not valid JSON`); }
      if (typeof v === 'string') return { id: String(i), text: v };
      const rec = v as { id?: unknown; text?: unknown };
      if (typeof rec.text !== 'string') throw new OptionsError(`${file}: line ${i + 1} has no "text" string`);
      return { id: rec.id === undefined ? String(i) : String(rec.id), text: rec.text };
    }
    return { id: String(i), text: line };
  });
}

export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('LDA topic mining: document, second-level and sentence-level topic labels for every key image')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--input <file>', 'train on a plain file instead (JSON lines {id,text} or strings, or one document per line)')
    .option('--out <dir>', 'with --input: save the model into this folder (lda-model.bin)')
    .option('--level <level>', `topic level: ${OPTION_VALUES.topicLevels.join('|')}`, 'document')
    .option('--k <n>', 'number of topics (per document-level topic for --level second)', integerFlag('k', { min: 1, max: LdaModel.MAX_TOPICS }))
    .option('--sweep <list>', 'comma-separated K values; K is chosen by the stated rule', integerListFlag('sweep', { min: 1, max: LdaModel.MAX_TOPICS }))
    .option('--iterations <n>', 'Gibbs sweeps', integerFlag('iterations', { min: 1, max: 1_000_000 }), 200)
    .addOption(seedOption())
    .addOption(workersOption('sampling threads (the same seed and worker count give the same model; 0 and 1 give the same one)', 'every core'))
    .option('--alpha <a>', 'symmetric prior on θ per topic (default 5/K)', numberFlag('alpha', { above: 0 }))
    .option('--beta <b>', 'symmetric prior on φ (default 0.01)', numberFlag('beta', { above: 0 }))
    .option('--optimize-alpha', 're-estimate an asymmetric α (Minka fixed point)')
    .option('--tolerance <t>', 'K rule: smallest K within this fraction of the best perplexity', numberFlag('tolerance', { min: 0, max: 1 }), 0.02)
    .option('--top-words <n>', 'words stored per topic', integerFlag('top-words', { min: 1, max: 1_000_000 }), 50)
    .option('--min-length <n>', 'corpus rule: shortest token (default 3)', integerFlag('min-length', { min: 1, max: 1000 }))
    .option('--min-doc-freq <n>', 'corpus rule: drop terms in fewer documents (default 3)', integerFlag('min-doc-freq', { min: 1 }))
    .option('--drop-top <n>', 'corpus rule: drop the N most frequent terms (default 10)', integerFlag('drop-top', { min: 0 }))
    .option('--min-doc-length <n>', 'corpus rule: drop documents with fewer tokens (default 5)', integerFlag('min-doc-length', { min: 0 }))
    .option('--checkpoint-every <n>', 'workspace runs: save a checkpoint every N sweeps, so that a killed run resumes where it stopped (default 50)', integerFlag('checkpoint-every', { min: 1, max: 1_000_000 }))
    .option('--force', 're-run even when up to date')
    .option('--json', 'print JSON')
    .action(async (f: TopicsFlags) => {
      const corpus: CorpusOptions = { minLength: f.minLength, minDocFreq: f.minDocFreq, dropTopN: f.dropTop, minDocLength: f.minDocLength };
      const { k, sweep } = f;
      if (k === undefined && !sweep) throw new OptionsError('give --k N or --sweep K1,K2,...');
      // Ctrl-C cancels cleanly (exit 130); a workspace run keeps its checkpoints and resumes next time.
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      const progress = progressReporter(!f.json);
      const common: LabelOptions = {
        k, sweep, corpus, iterations: f.iterations, seed: f.seed, workers: f.workers,
        alpha: f.alpha, beta: f.beta, optimizeAlpha: f.optimizeAlpha, tolerance: f.tolerance,
        signal: abort.signal, onProgress: progress.onProgress,
      };
      const topN = f.topWords;
      try {
        await run(f, common, topN);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}

/** The command proper: a plain-file run (--input) or the workspace stage. */
async function run(f: TopicsFlags, common: LabelOptions, topN: number): Promise<void> {
  if (f.input) {
    const r = await labelDocuments(readInput(f.input), common);
    if (f.out) r.model.save(f.out);
    const result = {
      input: f.input, numTrainDocs: r.numTrainDocs, numTokens: r.numTokens, numTerms: r.model.V, numTopics: r.model.K,
      dropped: { ...r.dropped, droppedDocIds: r.dropped.droppedDocIds.length }, sweep: r.sweep,
      topics: r.model.topWords(topN).map((t) => ({ topic: t.topic, tokens: t.tokens, topWords: t.words })),
      digest: r.digest(),
    };
    printResult(result, f.json, (x) => [
      `${x.numTrainDocs} documents, ${x.numTokens} tokens, ${x.numTerms} terms, K=${x.numTopics}`,
      ...(x.sweep ? x.sweep.points.map((p) => `  K=${p.k} perplexity ${p.perplexity.toFixed(1)} NPMI ${p.npmi.toFixed(3)} UMass ${p.umass.toFixed(2)}`) : []),
      ...x.topics.map((t) => `topic ${t.topic}: ${t.topWords.slice(0, 12).join(' ')}`),
    ].join('\n'));
    return;
  }
  const level = f.level as TopicLevel;
  const summary = await inWorkspace('topics', f, 'update', (ws) => runTopicStage(ws, { ...common, level, topWords: topN, force: f.force, checkpointEvery: f.checkpointEvery }));
  printResult(summary, f.json, (s) => [
    `${s.level} level: ${s.numDocs} documents, ${s.numTopics} topics, ${s.numImages} key images labelled${s.skipped ? ' (up to date)' : ''}`,
    `labels by method: ${JSON.stringify(s.methods)}; largest topic holds ${(100 * s.largestTopicImageShare).toFixed(1)}% of images`,
    ...(s.sweep ? s.sweep.points.map((p) => `  K=${p.k} perplexity ${p.perplexity.toFixed(1)} NPMI ${p.npmi.toFixed(3)} UMass ${p.umass.toFixed(2)}`) : []),
    ...s.topics.map((t) => `topic ${t.label} (${t.numDocs} docs, ${t.numImages} images): ${t.topWords.slice(0, 12).join(' ')}`),
  ].join('\n'));
}
