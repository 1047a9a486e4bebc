import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { withWorkspace } from '../../store/workspace.js';
import { OptionsError } from '../../util/errors.js';
import { printResult, workspaceDir } from '../output.js';
import { runTopicStage, TOPIC_LEVELS, type TopicLevel } from '../../topics/stage.js';
import { labelDocuments, type LabelOptions } from '../../topics/label.js';
import type { CorpusOptions } from '../../topics/corpus.js';
import { parseInteger, parseNumber } from '../numbers.js';

interface TopicsFlags {
  workspace?: string;
  input?: string;
  out?: string;
  level: string;
  k?: string;
  sweep?: string;
  iterations: string;
  seed: string;
  workers: string;
  alpha?: string;
  beta?: string;
  optimizeAlpha?: boolean;
  tolerance?: string;
  topWords: string;
  minLength?: string;
  minDocFreq?: string;
  dropTop?: string;
  minDocLength?: string;
  force?: boolean;
  json?: boolean;
}

/** Optional flags: undefined stays undefined. */
const int = (name: string, v: string | undefined): number | undefined => (v === undefined ? undefined : parseInteger(v, name));
const num = (name: string, v: string | undefined): number | undefined => (v === undefined ? undefined : parseNumber(v, name));

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
    .option('--workspace <dir>', 'workspace folder')
    .option('--input <file>', 'train on a plain file instead (JSON lines {id,text} or strings, or one document per line)')
    .option('--out <base>', 'with --input: save the model as <base>.json + <base>.bin')
    .option('--level <level>', `topic level: ${TOPIC_LEVELS.join('|')}`, 'document')
    .option('--k <n>', 'number of topics (per document-level topic for --level second)')
    .option('--sweep <list>', 'comma-separated K values; K is chosen by the stated rule')
    .option('--iterations <n>', 'Gibbs sweeps', '200')
    .option('--seed <n>', 'random seed', '1')
    .option('--workers <n>', 'sampling threads (0 = all cores)', '0')
    .option('--alpha <a>', 'symmetric prior on θ per topic (default 5/K)')
    .option('--beta <b>', 'symmetric prior on φ (default 0.01)')
    .option('--optimize-alpha', 're-estimate an asymmetric α (Minka fixed point)')
    .option('--tolerance <t>', 'K rule: smallest K within this fraction of the best perplexity', '0.02')
    .option('--top-words <n>', 'words stored per topic', '50')
    .option('--min-length <n>', 'corpus rule: shortest token (default 3)')
    .option('--min-doc-freq <n>', 'corpus rule: drop terms in fewer documents (default 3)')
    .option('--drop-top <n>', 'corpus rule: drop the N most frequent terms (default 10)')
    .option('--min-doc-length <n>', 'corpus rule: drop documents with fewer tokens (default 5)')
    .option('--force', 're-run even when up to date')
    .option('--json', 'print JSON')
    .action(async (f: TopicsFlags) => {
      const corpus: CorpusOptions = {
        minLength: int('min-length', f.minLength), minDocFreq: int('min-doc-freq', f.minDocFreq),
        dropTopN: int('drop-top', f.dropTop), minDocLength: int('min-doc-length', f.minDocLength),
      };
      const sweep = f.sweep ? f.sweep.split(',').map((s) => int('sweep', s.trim()) as number) : undefined;
      const k = int('k', f.k);
      if (k === undefined && !sweep) throw new OptionsError('give --k N or --sweep K1,K2,...');
      const common: LabelOptions = {
        k, sweep, corpus, iterations: int('iterations', f.iterations), seed: int('seed', f.seed), numWorkers: int('workers', f.workers),
        alpha: num('alpha', f.alpha), beta: num('beta', f.beta), optimizeAlpha: f.optimizeAlpha, tolerance: num('tolerance', f.tolerance),
      };
      const topN = int('top-words', f.topWords) ?? 50;
      if (f.input) {
        const r = await labelDocuments(readInput(f.input), common);
        if (f.out) r.model.save(f.out);
        const result = {
          input: f.input, numTrainDocs: r.numTrainDocs, numTokens: r.numTokens, numTerms: r.model.V, numTopics: r.model.K,
          dropped: { ...r.dropped, droppedDocIds: r.dropped.droppedDocIds.length }, sweep: r.sweep,
          topics: r.model.topWords(topN).map((t) => ({ topic: t.topic, tokens: t.tokens, topWords: t.words })),
        };
        printResult(result, f.json, (x) => [
          `${x.numTrainDocs} documents, ${x.numTokens} tokens, ${x.numTerms} terms, K=${x.numTopics}`,
          ...(x.sweep ? x.sweep.points.map((p) => `  K=${p.k} perplexity ${p.perplexity.toFixed(1)} NPMI ${p.npmi.toFixed(3)} UMass ${p.umass.toFixed(2)}`) : []),
          ...x.topics.map((t) => `topic ${t.topic}: ${t.topWords.slice(0, 12).join(' ')}`),
        ].join('\n'));
        return;
      }
      const level = f.level as TopicLevel;
      const summary = await withWorkspace(workspaceDir(f.workspace), (ws) => runTopicStage(ws, { ...common, level, topWords: topN, force: f.force }));
      printResult(summary, f.json, (s) => [
        `${s.level} level: ${s.numDocs} documents, ${s.numTopics} topics, ${s.numImages} key images labelled${s.skipped ? ' (up to date)' : ''}`,
        `labels by method: ${JSON.stringify(s.methods)}; largest topic holds ${(100 * s.largestTopicImageShare).toFixed(1)}% of images`,
        ...(s.sweep ? s.sweep.points.map((p) => `  K=${p.k} perplexity ${p.perplexity.toFixed(1)} NPMI ${p.npmi.toFixed(3)} UMass ${p.umass.toFixed(2)}`) : []),
        ...s.topics.map((t) => `topic ${t.label} (${t.numDocs} docs, ${t.numImages} images): ${t.topWords.slice(0, 12).join(' ')}`),
      ].join('\n'));
    });
}
