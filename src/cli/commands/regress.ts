import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { evaluateKeywords, loadObo, readArchiveTruth, trainRegression, type Device, type EpochRecord, type KeywordEvaluation, type RegressionResult } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, numberFlag } from '../numbers.js';
import { seedOption, waitOption, workersOption, workspaceOption } from '../flags.js';
import { ontologyPath, parseScopes } from './terms.js';
import { withControl } from '../progress.js';

interface RegressFlags extends WorkspaceFlags {
  from?: string; epochs: number; batch: number; lr: number; seed: number; workers?: number; device: string; patience?: number;
  force?: boolean; evaluate: boolean; truth?: string; topWords: number; ontology?: string; scopes: string; json?: boolean;
}

const pct = (x: number) => x.toFixed(3);

/** The evaluation as people read it: R@K against the sentences, the baselines, the truth, search. */
export function formatKeywordEvaluation(e: KeywordEvaluation): string {
  const k = (r: Record<string, number>) => e.ks.map((x) => `R@${x} ${pct(r[String(x)] ?? 0)}`).join(', ');
  const s = e.sentences;
  const lines = [
    `keywords on ${e.testImages} test images (${e.scoredImages} with disease words in their sentences, ${e.imagesWithoutDiseaseWords} without; ${s.pairs} image-level pairs; ` +
      `candidates: the predicted topic's top ${e.candidates.topWords} words, ${e.candidates.mean.toFixed(1)} with a vector on average)`,
    `  regression + topics: ${k(s.recall)}   (paper: R@1 0.56)`,
    `  most frequent disease word: ${k(s.baselines.mostFrequent)}`,
    `  random word of the topic:   ${k(s.baselines.randomTopicWord)}`,
    `  topics alone (topic order): ${k(s.baselines.topicsOnly)}`,
    `  any candidate matches (ceiling): ${pct(s.ceiling)}; R@1 per level: ${Object.entries(e.perLevel).map(([l, v]) => `${l} ${pct(v)}`).join(', ')}`,
  ];
  const d = e.diseaseCandidates;
  if (d) {
    lines.push(`candidates restricted to disease-related words (${d.candidates.mean.toFixed(1)} per topic on average, ${d.pairsWithout} pairs with none): ` +
      `regression ${k(d.recall)}; most frequent ${k(d.baselines.mostFrequent)}; random ${k(d.baselines.randomTopicWord)}; topics alone ${k(d.baselines.topicsOnly)}`);
  }
  if (e.truth) {
    lines.push(`against the ground truth's finding words (${e.truth.scoredImages} images): ${k(e.truth.recall)}; most frequent ${k(e.truth.baselines.mostFrequent)}; ` +
      `random ${k(e.truth.baselines.randomTopicWord)}; topics alone ${k(e.truth.baselines.topicsOnly)}`);
  }
  const q = e.search;
  lines.push(`search with captions as queries (${q.queries} queries among ${q.candidates} test images): recall@10 ${pct(q.recallAt10)}, MRR ${pct(q.mrr)} ` +
    `(random: ${pct(q.randomRecallAt10)}, ${pct(q.randomMrr)})`);
  if (e.rejected.length) lines.push(`${e.rejected.length} test images could not be read: ${e.rejected.map((r) => `${r.id} (${r.reason})`).join('; ')}`);
  lines.push(`examples (Figure 8): ${e.json}`);
  return lines.join('\n');
}

function formatRegression(r: RegressionResult): string {
  const c = r.counts;
  const last = r.epochs.at(-1);
  return `${r.upToDate ? 'up to date: ' : ''}regression CNN fine-tuned from ${r.from}: ${r.outputs} sigmoid outputs, ${r.numTrainRows} training rows (${c.imagesWithBigrams.train} images × ${c.bigramsPerImage.toFixed(2)} bigrams), ` +
    `${r.numValidationRows} validation rows; images without a bigram: train ${c.imagesWithoutBigrams.train}, validation ${c.imagesWithoutBigrams.validation}, test ${c.imagesWithoutBigrams.test}; ` +
    `${r.epochs.length} epochs${last ? `, loss ${last.trainLoss.toFixed(4)}${last.valLoss !== undefined ? ` (validation ${last.valLoss.toFixed(4)})` : ''}` : ''}, ${r.imagesPerSecond.toFixed(0)} img/s -> ${r.modelDir}` +
    (r.rejected.length ? `\n${r.rejected.length} images could not be read: ${r.rejected.map((x) => `${x.id} (${x.reason})`).join('; ')}` : '');
}

export function registerRegress(program: Command): void {
  program
    .command('regress')
    .description('train the image-to-words regression CNN (bigram word vectors, fine-tuned from the document classifier) and score its keywords and search on the test split')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--from <model>', 'fine-tune from this tfjs layers folder (default: the workspace\'s document-level classifier)')
    .option('--epochs <n>', 'epochs', integerFlag('epochs', { min: 1, max: 1_000_000 }), 10)
    .option('--batch <n>', 'batch size', integerFlag('batch', { min: 1, max: 100_000 }), 50)
    .option('--lr <x>', 'base learning rate (the paper\'s 0.001; the new output layer gets 10x, its bias 20x)', numberFlag('lr', { above: 0, max: 100 }), 0.001)
    .option('--device <d>', 'cpu | gpu | auto', 'cpu')
    .option('--patience <n>', 'early stopping after n epochs without a better validation loss', integerFlag('patience', { min: 1, max: 1_000_000 }))
    .addOption(seedOption())
    .addOption(workersOption('gradient worker threads on CPU, each batch cut into workers + 1 slices (0: this thread only)', 'one slice per core on wasm'))
    .option('--force', 'train again even when the saved network is up to date')
    .option('--no-evaluate', 'do not score keywords and search on the test split')
    .option('--truth <file>', 'a synthetic archive\'s truth.jsonl: score keywords against each key image\'s finding words too')
    .option('--top-words <n>', 'candidate words per topic', integerFlag('top-words', { min: 1, max: 1000 }), 50)
    .option('--ontology <file>', 'Disease Ontology OBO file whose words are the disease-related words (default: $PACSMINE_ONTOLOGY, else the built-in subset)')
    .option('--scopes <list>', 'synonym scopes read besides names', 'EXACT')
    .option('--json', 'print JSON (with "digest")')
    .action(async (f: RegressFlags) => {
      const truth = f.truth !== undefined ? readArchiveTruth(f.truth).words : undefined;
      // The disease-related words: the ontology's (the file named, else the built-in subset).
      const ontology = f.evaluate ? loadObo(ontologyPath(f.ontology)) : undefined;
      const synonymScopes = ontology ? parseScopes(f.scopes) : undefined;
      const r = await withControl(f.json, (control) => inWorkspace('regress', f, 'update', async (ws) => {
        const regression = await trainRegression(ws, {
          ...control,
          epochs: f.epochs, batchSize: f.batch, learningRate: f.lr, seed: f.seed, device: f.device as Device,
          ...(f.from !== undefined ? { from: f.from } : {}), ...(f.workers !== undefined ? { workers: f.workers } : {}),
          ...(f.patience !== undefined ? { patience: f.patience } : {}), ...(f.force ? { force: true } : {}),
          ...(f.json ? {} : { onEpoch: (e: EpochRecord) => process.stderr.write(`regression epoch ${e.epoch + 1}: loss ${e.trainLoss.toFixed(4)}${e.valLoss !== undefined ? `, val loss ${e.valLoss.toFixed(4)}` : ''}, ${e.imagesPerSecond.toFixed(1)} img/s\n`) }),
        });
        const evaluation = f.evaluate ? await evaluateKeywords(ws, { topWords: f.topWords, seed: f.seed, ...(truth ? { truth } : {}), ...(ontology ? { ontology, synonymScopes } : {}) }) : undefined;
        return { regression, ...(evaluation ? { evaluation } : {}) };
      }));
      const digest = createHash('sha256').update(`${r.regression.digest}:${r.evaluation?.digest ?? ''}`).digest('hex');
      printResult({ ...r, digest }, f.json, (x) => `${formatRegression(x.regression)}${x.evaluation ? `\n${formatKeywordEvaluation(x.evaluation)}` : ''}\ndigest ${digest}`);
    });
}
