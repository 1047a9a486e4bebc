/**
 * `npm run bench -- keywords`: the paper's Section 5 on MedPix 2.0 (../shared/data/medpix2) end to
 * end on CPU: ingest (burned-in text masked), LDA topics at three levels, word2vec on the case
 * reports plus MedPix's Disease Discussion (case_extra_text), Disease Ontology bigrams of each
 * caption (the 2016-09-01 DO release in ../shared/data/disease-ontology), the level datasets (one
 * case-disjoint split) and the three-level chain (small conv4), then the bigram regression CNN
 * fine-tuned from the document-level network, and on the test split: keyword R@1/5/10 against the
 * disease words of each image's caption beside the baselines (most frequent disease word, a random
 * word of the predicted topic, the topics alone), and text → image search with captions as queries
 * (recall@10, MRR) against a random ranking.
 *
 * The paper's R@1 was 0.56 (its own 216K key images and a VGG-19 chain); this is a small conv4 at
 * 64 px on 2,050 images, trained for minutes.
 *
 * Flags (--name=value): size (64), crop (56), epochs (10, document), fine-tune-epochs (5), reg-epochs (30),
 * batch (50), lr (0.01), ft-lr (0.001), reg-lr (0.01), min-train (10), workers (2), k-document (20),
 * k-second (4), k-sentence (40), embed-epochs (5), seed (1), workspace (a folder to keep and reuse:
 * stages that are up to date are skipped), --keep (leave the temporary workspace).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finish, peakRssMb } from './lib/report.js';
import { sharedDataDir } from '../testing/requirements.js';
import { Workspace } from '../src/store/workspace.js';
import { ingestCollection } from '../src/collections/ingest.js';
import { runTopicStage, TOPIC_LEVELS } from '../src/topics/stage.js';
import { runEmbedStage } from '../src/embeddings/stage.js';
import { runDescribeStage } from '../src/descriptions/stage.js';
import { buildLevelDataset } from '../src/datasets/level.js';
import { trainChain } from '../src/training/chain.js';
import { trainRegression } from '../src/keywords/regress.js';
import { evaluateKeywords } from '../src/keywords/stage.js';
import { diseaseVocabulary } from '../src/keywords/recall.js';
import { loadObo } from '../src/ontology/obo.js';

function flag(name: string, dflt: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
}
const text = (name: string): string | undefined => process.argv.find((x) => x.startsWith(`--${name}=`))?.slice(name.length + 3);
const has = (name: string) => process.argv.includes(`--${name}`);

const o = {
  size: flag('size', 64), crop: flag('crop', 56), epochs: flag('epochs', 10), fineTuneEpochs: flag('fine-tune-epochs', 5), regEpochs: flag('reg-epochs', 30),
  batch: flag('batch', 50), lr: flag('lr', 0.01), ftLr: flag('ft-lr', 0.001), regLr: flag('reg-lr', 0.01), minTrain: flag('min-train', 10),
  workers: flag('workers', 2), seed: flag('seed', 1), embedEpochs: flag('embed-epochs', 5),
  k: { document: flag('k-document', 20), second: flag('k-second', 4), sentence: flag('k-sentence', 40) },
};
const medpix = path.join(sharedDataDir, 'medpix2');
const ontology = path.join(sharedDataDir, 'disease-ontology', 'doid_2016-09-01.obo');
for (const [what, file] of [['MedPix 2.0', path.join(medpix, 'Case_topic.json')], ['the Disease Ontology', ontology]] as const) {
  if (!existsSync(file)) {
    process.stderr.write(`bench keywords: needs ${what} in ${path.dirname(file)}\n`);
    process.exit(1);
  }
}
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stdout.write(`${s}\n`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const kept = text('workspace');
const dir = kept ?? mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-keywords-'));
const ws = Workspace.open(kept ?? path.join(dir, 'ws'));
try {
  const ingest = await ingestCollection(ws, medpix, { format: 'medpix' });
  log(`ingest: ${ingest.images} images of ${ingest.reports} cases, ${ingest.rejected} rejected (${elapsed()})`);
  for (const level of TOPIC_LEVELS) {
    const t = await runTopicStage(ws, { level, k: o.k[level], iterations: 200, seed: o.seed, workers: 1 });
    log(`topics (${level}): ${t.numTopics} topics over ${t.numDocs} documents (${elapsed()})`);
  }
  const embed = await runEmbedStage(ws, { seed: o.seed, workers: 1, epochs: o.embedEpochs, caseExtraText: ['disease-discussion'] });
  log(`embed: ${embed.report ? `${embed.report.numWords} words` : 'up to date'} from ${embed.reports} reports + ${embed.caseExtraTexts} disease discussions (${elapsed()})`);
  const describe = await runDescribeStage(ws, { ontologyPath: ontology, synonymScopes: ['EXACT'] });
  log(`describe: ${describe.termHits} DO term hits in ${describe.refs} captions; ${describe.keyImagesWithBigrams} of ${describe.keyImages} key images with bigrams (${describe.bigramRows} targets)${describe.skipped ? ' (up to date)' : ''} (${elapsed()})`);
  for (const level of TOPIC_LEVELS) {
    const d = buildLevelDataset(ws, { level, minTrain: o.minTrain, seed: o.seed });
    log(`dataset (${level}): ${d.classes.kept} of ${d.classes.total} classes kept; train ${d.images.train}, validation ${d.images.validation}, test ${d.images.test}, ${d.images.dropped} dropped`);
  }
  const chain = await trainChain(ws, {
    device: 'cpu', architecture: 'conv4', imageSize: o.size, cropSize: o.crop, batchSize: o.batch, learningRate: o.lr, fineTuneLearningRate: o.ftLr,
    workers: o.workers, seed: o.seed, epochs: o.fineTuneEpochs, epochsPerLevel: { document: o.epochs },
    onLevel: (level, e) => log(`chain (${level}): top-1 ${e.evaluation!.top1.toFixed(3)} (majority ${e.evaluation!.baselines.majority.top1.toFixed(3)}), ` +
      `${e.train.imagesPerSecond.toFixed(1)} img/s${e.train.upToDate ? ' (up to date)' : ''} (${elapsed()})`),
  });

  const regStarted = performance.now();
  const reg = await trainRegression(ws, {
    epochs: o.regEpochs, batchSize: o.batch, learningRate: o.regLr, seed: o.seed, workers: o.workers,
    onEpoch: (r) => log(`  regression epoch ${r.epoch + 1}: loss ${r.trainLoss.toFixed(3)}, val loss ${(r.valLoss ?? 0).toFixed(3)}, ${r.imagesPerSecond.toFixed(0)} img/s`),
  });
  const regSeconds = (performance.now() - regStarted) / 1000;
  const regRss = peakRssMb();
  const c = reg.counts;
  log(`regression: ${reg.outputs} outputs (s = ${reg.targetScale.toFixed(1)}), ${reg.numTrainRows} training rows of ${c.imagesWithBigrams.train} images (${c.bigramsPerImage.toFixed(2)} bigrams per image); ` +
    `without a bigram: train ${c.imagesWithoutBigrams.train}, validation ${c.imagesWithoutBigrams.validation}, test ${c.imagesWithoutBigrams.test}; ` +
    `${reg.imagesPerSecond.toFixed(1)} img/s, ${regSeconds.toFixed(0)} s${reg.upToDate ? ' (up to date)' : ''}; peak RSS ${regRss} MB (${elapsed()})`);

  const e = await evaluateKeywords(ws, { seed: o.seed, diseaseVocabulary: diseaseVocabulary(loadObo(ontology)) });
  const d = e.diseaseCandidates!;
  const s = e.sentences;
  const k = (r: Record<string, number>) => `R@1 ${r['1']!.toFixed(3)}, R@5 ${r['5']!.toFixed(3)}, R@10 ${r['10']!.toFixed(3)}`;
  log(`keywords on ${e.testImages} test images (${e.scoredImages} with disease words in their caption, ${e.imagesWithoutDiseaseWords} without), ${s.pairs} image-level pairs, ` +
    `candidates: top ${e.candidates.topWords} words of the predicted topic (${e.candidates.mean.toFixed(1)} with a vector on average)`);
  log(`  regression + topics:        ${k(s.recall)}   (paper: R@1 0.56)`);
  log(`  most frequent disease word: ${k(s.baselines.mostFrequent)}`);
  log(`  random word of the topic:   ${k(s.baselines.randomTopicWord)}`);
  log(`  topics alone (topic order): ${k(s.baselines.topicsOnly)}`);
  log(`  ceiling (any candidate matches): ${s.ceiling.toFixed(3)}; R@1 per level: ${Object.entries(e.perLevel).map(([l, v]) => `${l} ${v.toFixed(3)}`).join(', ')}`);
  log(`candidates restricted to DO words (${d.candidates.mean.toFixed(1)} per topic on average, ${d.pairsWithout} of ${d.pairs} pairs with none):`);
  log(`  regression + topics:        ${k(d.recall)}`);
  log(`  most frequent disease word: ${k(d.baselines.mostFrequent)}`);
  log(`  random disease word of the topic: ${k(d.baselines.randomTopicWord)}`);
  log(`  topics alone (topic order): ${k(d.baselines.topicsOnly)}`);
  log(`search, captions as queries (${e.search.queries} of ${e.search.candidates} test images): recall@10 ${e.search.recallAt10.toFixed(3)}, MRR ${e.search.mrr.toFixed(3)}; ` +
    `random ${e.search.randomRecallAt10.toFixed(3)}, ${e.search.randomMrr.toFixed(3)}`);
  log(`examples (Figure 8): ${e.json}`);
  log(`done in ${elapsed()}; setup: conv4, ${o.size} px padded, ${o.crop} px crops, batch ${o.batch}, epochs ${o.epochs}/${o.fineTuneEpochs}/${o.fineTuneEpochs}, regression ${o.regEpochs} at LR ${o.regLr} (head 10x/20x), ${o.workers} engines`);
  finish({
    bench: 'keywords', collection: 'medpix2', test_images: e.testImages, scored_images: e.scoredImages, pairs: s.pairs,
    candidates: e.candidates.topWords, candidates_mean: round(e.candidates.mean, 2),
    r_at_1: round(s.recall['1']!), r_at_5: round(s.recall['5']!), r_at_10: round(s.recall['10']!),
    baselines: {
      most_frequent: round(s.baselines.mostFrequent['1']!), random_topic_word: round(s.baselines.randomTopicWord['1']!), topics_only: round(s.baselines.topicsOnly['1']!),
      at_10: { most_frequent: round(s.baselines.mostFrequent['10']!), random_topic_word: round(s.baselines.randomTopicWord['10']!), topics_only: round(s.baselines.topicsOnly['10']!) },
    },
    ceiling: round(s.ceiling), paper_r_at_1: 0.56,
    disease_candidates: {
      candidates_mean: round(d.candidates.mean, 2), pairs_without: d.pairsWithout, r_at_1: round(d.recall['1']!), r_at_5: round(d.recall['5']!), r_at_10: round(d.recall['10']!),
      baselines: { most_frequent: round(d.baselines.mostFrequent['1']!), random_topic_word: round(d.baselines.randomTopicWord['1']!), topics_only: round(d.baselines.topicsOnly['1']!) },
    },
    search_recall_at_10: round(e.search.recallAt10), search_mrr: round(e.search.mrr), search_random_recall_at_10: round(e.search.randomRecallAt10), search_random_mrr: round(e.search.randomMrr),
    regression_train_img_per_s: round(reg.imagesPerSecond, 1), regression_train_rows: reg.numTrainRows, peak_rss_mb: peakRssMb(),
    chain_top1: Object.fromEntries(TOPIC_LEVELS.map((l) => [l, round(chain.levels[l]?.evaluation?.top1 ?? 0)])),
    setup: { model: 'conv4', size: o.size, crop: o.crop, batch: o.batch, epochs: [o.epochs, o.fineTuneEpochs, o.fineTuneEpochs], regression_epochs: o.regEpochs, lr: o.lr, fine_tune_lr: o.ftLr, regression_lr: o.regLr, min_train: o.minTrain, k: o.k, workers: o.workers },
  });
} finally {
  ws.close();
  if (kept === undefined && !has('keep')) rmSync(dir, { recursive: true, force: true });
}
