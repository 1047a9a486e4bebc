/**
 * `npm run bench -- classify`: the paper's Section 4 on MedPix 2.0 (../shared/data/medpix2, 2,050 CT and
 * MR key images of 671 cases), end to end on CPU: ingest (burned-in text masked), LDA topics at three
 * levels, the level datasets (one case-disjoint 85/5/10 split, classes under --min-train training images
 * dropped, class-weighted loss), the chain (document from scratch, second fine-tuned from document,
 * sentence from second) and each level's test scores beside the baselines.
 *
 * Anchor: the same chain in PyTorch (Debian python3-torch, 2 threads; bench/anchors/torch_chain.py) on
 * the same padded image bytes, split, class weights, augmentation, epochs, batch and rates. Its top-1
 * must match ours within the tolerance stated in docs/training.md.
 *
 * Leak experiment: the document level trained and tested on the masked-out regions alone (the
 * watermark and the uploader's text band, src/collections/complement.ts): what the burned-in text
 * would have told the network had it not been masked.
 *
 * Flags (--name=value): size (72), crop (64), epochs (10, document), fine-tune-epochs (6), batch (50),
 * lr (0.01), ft-lr (0.001), min-train (10), workers (1: this thread and one worker), k-document (20), k-second (4), k-sentence (40),
 * seed (1), --skip-torch, --skip-masked, --keep (leave the workspace in the temp folder).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finish, peakRssMb, runPythonAnchor } from './lib/report.js';
import { sharedDataDir } from '../testing/requirements.js';
import { Workspace } from '../src/store/workspace.js';
import { ingestCollection } from '../src/collections/ingest.js';
import { renderMaskedRegions } from '../src/collections/complement.js';
import { runTopicStage, TOPIC_LEVELS, type TopicLevel } from '../src/topics/stage.js';
import { buildLevelDataset, type LevelDatasetEntry, type LevelDatasetInfo } from '../src/datasets/level.js';
import { trainChain } from '../src/training/chain.js';
import { runTraining } from '../src/training/run.js';
import { decodeImage, loadManifestEntries, readManifest } from '../src/training/manifest.js';
import { ImageClassifier } from '../src/training/image-classifier.js';
import { classificationMetrics } from '../src/evaluation/metrics.js';
import { baselines } from '../src/evaluation/baselines.js';

function flag(name: string, dflt: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
}
const has = (name: string) => process.argv.includes(`--${name}`);

const o = {
  size: flag('size', 72), crop: flag('crop', 64), epochs: flag('epochs', 10), fineTuneEpochs: flag('fine-tune-epochs', 6), batch: flag('batch', 50),
  lr: flag('lr', 0.01), ftLr: flag('ft-lr', 0.001), minTrain: flag('min-train', 10), workers: flag('workers', 1), seed: flag('seed', 1),
  k: { document: flag('k-document', 20), second: flag('k-second', 4), sentence: flag('k-sentence', 40) },
};
const medpix = path.join(sharedDataDir, 'medpix2');
if (!existsSync(path.join(medpix, 'Case_topic.json'))) {
  process.stderr.write(`bench classify: needs MedPix 2.0 in ${medpix}\n`);
  process.exit(1);
}
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string) => process.stdout.write(`${s}\n`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-classify-'));
const ws = Workspace.open(path.join(dir, 'ws'));
try {
  const ingest = await ingestCollection(ws, medpix, { format: 'medpix' });
  log(`ingest: ${ingest.images} images of ${ingest.reports} cases, ${ingest.rejected} rejected, masked ${ingest.mask} (${elapsed()})`);
  for (const level of TOPIC_LEVELS) {
    const t = await runTopicStage(ws, { level, k: o.k[level], iterations: 200, seed: o.seed, workers: 0 });
    log(`topics (${level}): ${t.numTopics} topics over ${t.numDocs} documents (${elapsed()})`);
  }
  const info = {} as Record<TopicLevel, LevelDatasetInfo>;
  for (const level of TOPIC_LEVELS) {
    const d = buildLevelDataset(ws, { level, minTrain: o.minTrain, seed: o.seed });
    info[level] = d;
    log(`dataset (${level}): ${d.classes.kept} of ${d.classes.total} classes kept (≥ ${o.minTrain} training images), ${d.images.dropped} images dropped; ` +
      `train ${d.images.train}, validation ${d.images.validation}, test ${d.images.test}; largest class ${(100 * d.imbalance.largest.share).toFixed(1)}%, ratio ${d.imbalance.ratio.toFixed(1)}`);
  }

  // Ours: the chain, with each level's throughput and the process's peak memory after it.
  const rss: Partial<Record<TopicLevel, number>> = {};
  const chain = await trainChain(ws, {
    device: 'cpu', architecture: 'conv4', imageSize: o.size, cropSize: o.crop, batchSize: o.batch, learningRate: o.lr, fineTuneLearningRate: o.ftLr,
    workers: o.workers, seed: o.seed, epochs: o.fineTuneEpochs, epochsPerLevel: { document: o.epochs }, force: true,
    onEpoch: (level, r) => log(`  ${level} epoch ${r.epoch + 1}: loss ${r.trainLoss.toFixed(3)}, val acc ${((r.valAccuracy ?? 0) * 100).toFixed(1)}%, ${r.imagesPerSecond.toFixed(0)} img/s`),
    onLevel: (level, e) => {
      rss[level] = peakRssMb();
      const ev = e.evaluation!;
      log(`ours (${level}): top-1 ${ev.top1.toFixed(3)}, top-5 ${ev.top5.toFixed(3)}, macro-F1 ${ev.macroF1.toFixed(3)}; majority ${ev.baselines.majority.top1.toFixed(3)}, ` +
        `random ${ev.baselines.priorRandom.top1.toFixed(3)}; ${e.train.imagesPerSecond.toFixed(1)} img/s (${elapsed()})`);
    },
  });

  // PyTorch: the same chain on the same padded bytes.
  let torch: Record<string, { top1: number; top5: number; train_img_per_s: number; peak_rss_mb: number }> | undefined;
  if (!has('skip-torch')) {
    const docEntries = readManifest(info.document.manifest) as LevelDatasetEntry[];
    const all = new Map<string, { path: string; index: number }>();
    for (const e of docEntries) if (!all.has(e.id)) all.set(e.id, { path: e.path, index: all.size });
    for (const level of TOPIC_LEVELS) for (const e of readManifest(info[level].manifest) as LevelDatasetEntry[]) if (!all.has(e.id)) all.set(e.id, { path: e.path, index: all.size });
    const bytes = Buffer.alloc(all.size * o.size * o.size);
    for (const { path: p, index } of all.values()) (await decodeImage(p, o.size, 1, 'pad')).copy(bytes, index * o.size * o.size);
    const imagesFile = path.join(dir, 'images.u8');
    writeFileSync(imagesFile, bytes);
    const splitCode = { train: 0, validation: 1, test: 2 } as const;
    const levels = TOPIC_LEVELS.map((level) => {
      const d = info[level];
      const classOf = new Map(d.classes.keptLabels.map((l, i) => [l, i]));
      const labels = new Array<number>(all.size).fill(-1);
      const split = new Array<number>(all.size).fill(-1);
      for (const e of readManifest(d.manifest) as LevelDatasetEntry[]) {
        const i = all.get(e.id)!.index;
        labels[i] = classOf.get(e.label)!;
        split[i] = splitCode[e.split];
      }
      return {
        level, labels, split, numClasses: d.classes.kept, classWeights: d.classes.keptLabels.map((l) => d.balance.classWeights[l]!),
        weighted: d.balance.mode === 'weighted', epochs: level === 'document' ? o.epochs : o.fineTuneEpochs,
      };
    });
    const specFile = path.join(dir, 'torch-spec.json');
    writeFileSync(specFile, JSON.stringify({ images: imagesFile, imageSize: o.size, cropSize: o.crop, batchSize: o.batch, learningRate: o.lr, fineTuneLearningRate: o.ftLr, seed: o.seed, levels }));
    const script = readFileSync(new URL('../../bench/anchors/torch_chain.py', import.meta.url), 'utf8');
    const r = runPythonAnchor(script, [specFile], { TORCH_THREADS: '2' });
    torch = r?.['levels'] as typeof torch;
    for (const level of TOPIC_LEVELS) {
      const t = torch?.[level];
      if (t) log(`PyTorch (${level}): top-1 ${t.top1.toFixed(3)}, top-5 ${t.top5.toFixed(3)}; ${t.train_img_per_s} img/s, peak ${t.peak_rss_mb} MB (${elapsed()})`);
    }
    if (!torch) log('PyTorch anchor unavailable (Debian python3-torch missing)');
  }

  // The leak experiment: the document level on the masked-out regions only.
  let maskedTop1: number | null = null;
  if (!has('skip-masked')) {
    const regions = await renderMaskedRegions(ws);
    const swap = new Map(regions.map((r) => [r.keyImagePath, r.path]));
    const entries = (readManifest(info.document.manifest) as LevelDatasetEntry[]).filter((e) => swap.has(e.path)).map((e) => ({ ...e, path: swap.get(e.path)! }));
    const manifest = path.join(dir, 'masked-only.json');
    writeFileSync(manifest, JSON.stringify(entries));
    const out = path.join(dir, 'masked-model');
    const run = await runTraining({
      device: 'cpu', architecture: 'conv4', manifest, imageSize: o.size, cropSize: o.crop, channels: 1, head: 'softmax', epochs: o.epochs, batchSize: o.batch,
      learningRate: o.lr, seed: o.seed, validationFraction: 0, workers: o.workers, balance: info.document.balance, outDir: out,
    });
    const test = await loadManifestEntries(entries, dir, { size: o.size, channels: 1, fit: 'pad', filter: (e) => e.split === 'test' });
    const model = await ImageClassifier.load(out);
    const m = classificationMetrics(await model.outputs(test.data), test.data.labels!, run.classNames);
    model.dispose();
    maskedTop1 = m.top1;
    const trainCounts = run.classNames.map((l) => info.document.perClass.find((p) => p.label === l)!.train);
    log(`masked regions only (document): top-1 ${m.top1.toFixed(3)} on ${m.images} test images (majority ${baselines(trainCounts, test.data.labels!, run.classNames, { draws: 1 }).majority.top1.toFixed(3)}) (${elapsed()})`);
  }

  const levels = Object.fromEntries(TOPIC_LEVELS.map((level) => {
    const e = chain.levels[level]!;
    const ev = e.evaluation!;
    return [level, {
      classes: ev.classes.length, test_images: ev.images, top1: round(ev.top1), top5: round(ev.top5), macro_f1: round(ev.macroF1),
      majority_top1: round(ev.baselines.majority.top1), random_top1: round(ev.baselines.priorRandom.top1),
      torch_top1: torch?.[level] ? round(torch[level]!.top1) : null, torch_top5: torch?.[level] ? round(torch[level]!.top5) : null,
      train_img_per_s: round(e.train.imagesPerSecond, 1), torch_train_img_per_s: torch?.[level]?.train_img_per_s ?? null,
      peak_rss_mb: rss[level] ?? null, torch_peak_rss_mb: torch?.[level]?.peak_rss_mb ?? null,
      classes_total: info[level].classes.total,
    }];
  }));
  log(`done in ${elapsed()}; setup: conv4, ${o.size} px padded, ${o.crop} px crops, batch ${o.batch}, epochs ${o.epochs}/${o.fineTuneEpochs}/${o.fineTuneEpochs}, LR ${o.lr} (fine-tune ${o.ftLr}, head 10x/20x), ${o.workers} engines`);
  finish({
    bench: 'classify', collection: 'medpix2', levels,
    masked_region_top1: maskedTop1 === null ? null : round(maskedTop1), majority_top1: levels['document']!.majority_top1,
    setup: { model: 'conv4', size: o.size, crop: o.crop, batch: o.batch, epochs: [o.epochs, o.fineTuneEpochs, o.fineTuneEpochs], lr: o.lr, fine_tune_lr: o.ftLr, min_train: o.minTrain, k: o.k, workers: o.workers },
  });
} finally {
  ws.close();
  if (!has('keep')) rmSync(dir, { recursive: true, force: true });
}
