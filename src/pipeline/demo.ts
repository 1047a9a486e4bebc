/**
 * The main job on built-in sample data (`npm start`): generate a synthetic picture archive (DICOM
 * files, reports, ground truth), then run every stage on it in one workspace: ingest the reports,
 * index the DICOM headers, link key-image references to files, convert key images to PNG, compute
 * the corpus statistics, label every key image with LDA topics at three levels (scored against the
 * archive's ground truth), train word vectors and describe key images with disease-term bigrams,
 * build the labelled key-image dataset of each level (one case/patient-disjoint split) and train the
 * paper's chain of small CNNs on them (document, then second fine-tuned from it, then sentence),
 * each scored on its test split against the topics and against the archive's study categories.
 * Stages record what they ran with and the files they wrote, so a second run skips what is up to
 * date; the archive itself is regenerated only when its options change or one of its files did.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { filesUnder } from '../store/artifacts.js';
import { generateArchive, type GenerateSummary } from '../sample/generate.js';
import { ingestReports, type IngestSummary } from '../reports/ingest.js';
import { indexDicomFolder, type IndexSummary } from '../images/indexer.js';
import { linkKeyImages, type LinkSummary } from '../linking/link.js';
import { convertKeyImages, type ConvertSummary } from '../images/convert.js';
import { computeCorpusStats, type CorpusStats } from '../stats/corpus-stats.js';
import { runTopicStage, TOPIC_LEVELS, type TopicSummary, type TopicLevel } from '../topics/stage.js';
import { scoreLinksAgainstTruth, scoreTopicsAgainstTruth, type LinkTruthScore, type TopicTruthScore } from './truth.js';
import { writeKeyImageDataset, type KeyImageDatasetSummary } from './dataset.js';
import { buildLevelDataset, type LevelDatasetInfo } from '../datasets/level.js';
import { trainChain } from '../training/chain.js';
import { OptionsError } from '../util/errors.js';
import { readTruthImageCategories } from './truth.js';
import { runEmbedStage, type EmbedStageResult } from '../embeddings/stage.js';
import { runDescribeStage, type DescribeStageResult } from '../descriptions/stage.js';
import { codeDigest } from '../util/code-digest.js';
import { runDemoKeywords, type DemoKeywordScore } from './keywords-demo.js';

/** The code the archive generator's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('images', 'sample', 'util');

export interface DemoOptions {
  /** Studies in the synthetic archive. Default 80: the whole pipeline stays quick on 2 cores. */
  studies?: number;
  seed?: number;
  /** Image size in pixels (default 64) and slices per series (default 12): small, for speed. */
  size?: number;
  slices?: number;
  /** Train the chain of small CNNs on the labelled key images (default true). */
  train?: boolean;
  log?: (line: string) => void;
}

export interface DemoSummary {
  archive: GenerateSummary;
  ingest: IngestSummary;
  images: IndexSummary;
  link: LinkSummary;
  /** The links against the generator's ground truth: share of true key images linked, wrong links. */
  linkTruth: LinkTruthScore;
  convert: ConvertSummary;
  stats: CorpusStats;
  topics: Record<TopicLevel, TopicSummary>;
  /** Document-level topics against the generator's study categories. */
  topicTruth: TopicTruthScore;
  dataset: KeyImageDatasetSummary;
  /** Each level's training set (levels with fewer than 2 classes of 3+ training images are left out). */
  datasets: Partial<Record<TopicLevel, Pick<LevelDatasetInfo, 'classes' | 'images' | 'digest'>>>;
  embed: EmbedStageResult;
  describe: DescribeStageResult;
  /** The chain's levels: test scores, baselines, truth scores, where the confusion matrix is. */
  chain?: Partial<Record<TopicLevel, DemoLevelScore>>;
  /** Images → words: the regression CNN's keywords (R@K) and search on the test split (src/pipeline/keywords-demo.ts). */
  keywords?: DemoKeywordScore;
}

export interface DemoLevelScore {
  classes: number;
  numTrain: number;
  testImages: number;
  top1: number;
  top5: number;
  macroF1: number;
  majorityTop1: number;
  randomTop1: number;
  /** Predictions mapped to the archive's study categories, and the labels' own mapping (the ceiling). */
  truthTop1: number;
  truthCeiling: number;
  truthMajorityTop1: number;
  confusionSvg: string;
  upToDate: boolean;
}

/**
 * The demo chain: 32 px crops of 36 px images, a higher rate than the paper's (small network,
 * from scratch), more epochs at the document level, where everything is learnt from scratch.
 */
const DEMO_CHAIN = { architecture: 'conv4', imageSize: 36, cropSize: 32, batchSize: 16, learningRate: 0.02, workers: 0, epochs: 5, epochsPerLevel: { document: 10 } } as const;

/** The stage that generated the archive (its record lists every file, so a damaged archive is made again). */
export const DEMO_ARCHIVE_STAGE = 'demo:archive';

/** Generates the archive under the workspace unless the same options made it and every file is intact. */
async function sampleArchive(ws: Workspace, o: Required<Omit<DemoOptions, 'log' | 'train'>>): Promise<GenerateSummary> {
  const outDir = ws.artifactPath('sample-archive');
  if (ws.isUpToDate(DEMO_ARCHIVE_STAGE, o, 'generated', CODE())) return ws.stageRecord(DEMO_ARCHIVE_STAGE)?.summary as GenerateSummary;
  // A fresh folder: files of an archive made with other options must not be indexed with this one.
  rmSync(outDir, { recursive: true, force: true });
  const summary = await generateArchive({ outDir, studies: o.studies, seed: o.seed, size: o.size, slices: o.slices });
  ws.recordStage(DEMO_ARCHIVE_STAGE, o, 'generated', CODE(), summary, { artifacts: filesUnder(outDir) });
  return summary;
}

export async function runDemo(ws: Workspace, options: DemoOptions = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => undefined);
  const o = { studies: options.studies ?? 80, seed: options.seed ?? 1, size: options.size ?? 64, slices: options.slices ?? 12 };

  log(`sample: a synthetic archive of ${o.studies} studies (seed ${o.seed}, ${o.size}x${o.size} px, ${o.slices} slices a series)`);
  const archive = await sampleArchive(ws, o);
  log(`sample: ${archive.files} DICOM images, ${archive.keyObjects} key object selection documents, ${archive.studies} reports, ${archive.keyImages} key images in the ground truth`);

  const ingest = await ingestReports(ws, archive.reportsCsv, {
    format: 'csv', idColumn: 'report_id', textColumns: ['text'],
    accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date',
  });
  log(`ingest: ${ingest.ingested} reports, ${ingest.rejected} rejected, ${ingest.references} key-image references, ${ingest.phiReplaced} identifiers replaced${ingest.upToDate ? ' (up to date)' : ''}`);

  const images = indexDicomFolder(ws, archive.dicomDir);
  log(`images: ${images.indexed} DICOM headers indexed, ${images.rejected} rejected`);

  const link = linkKeyImages(ws);
  log(`link: ${link.bySeriesInstance + link.byInstanceOnly + link.bySeriesDescription} of ${link.keyImages} key images linked to files ` +
    `(${link.bySeriesDescription} by the words naming the series; ${link.unresolved} unresolved, listed in rejects); ` +
    `${link.byKeyObject} bookmarked images linked to reports without references`);
  const linkTruth = scoreLinksAgainstTruth(ws, archive.truthJsonl);
  log(`link vs ground truth: ${linkTruth.linked} of ${linkTruth.keyImages} true key images linked (${(linkTruth.share * 100).toFixed(1)}%), ${linkTruth.wrong} wrong links`);

  const convert = await convertKeyImages(ws);
  log(`convert: ${convert.converted} key images written as 256x256 PNG, ${convert.rejected} rejected`);

  // Topic labels at three levels. The sample is small, so the sweeps are short; the rule that
  // picks K (the smallest within 2% of the best held-out perplexity) is the one real runs use.
  const common = { seed: o.seed, iterations: 150, workers: 0 };
  const topics = {} as Record<TopicLevel, TopicSummary>;
  topics.document = await runTopicStage(ws, { ...common, level: 'document', sweep: [4, 8, 12] });
  topics.second = await runTopicStage(ws, { ...common, level: 'second', sweep: [2, 3] });
  topics.sentence = await runTopicStage(ws, { ...common, level: 'sentence', sweep: [6, 12, 20] });
  for (const level of ['document', 'second', 'sentence'] as const) {
    const t = topics[level];
    log(`topics (${level}): ${t.numTopics} topics over ${t.numDocs} documents, ${t.numImages} key images labelled, ` +
      `largest topic holds ${(t.largestTopicImageShare * 100).toFixed(0)}% of them${t.skipped ? ' (up to date)' : ''}`);
  }
  const topicTruth = scoreTopicsAgainstTruth(ws, archive.truthJsonl);
  log(`topics vs ground truth: NMI ${topicTruth.nmi.toFixed(3)} between document topics and the ${topicTruth.categories} study categories (${topicTruth.documents} reports)`);

  // Words: skip-gram vectors on the reports (the paper's settings but 5 epochs, the sample is
  // tiny), then Disease Ontology bigrams for every key image (Section 5.2).
  const embed = await runEmbedStage(ws, { seed: o.seed, workers: 1, epochs: 5, minCount: 2 });
  log(`embed: ${embed.report ? `vocabulary of ${embed.report.numWords} words, ${embed.report.rawWordsTrained} words trained (${embed.report.kernel} kernel)` : 'up to date'} -> ${path.relative(process.cwd(), embed.vectorsPath)}`);
  const describe = await runDescribeStage(ws, {});
  log(`describe: ${describe.termHits} Disease Ontology term hits (built-in subset) in ${describe.refs} key-sentence windows, ` +
    `${describe.keyImagesWithBigrams} of ${describe.keyImages} key images with bigram targets${describe.skipped ? ' (up to date)' : ''}`);
  // The paper's Tables 1, 2 and 4, after describe: Table 4's disease-term row counts its term hits.
  const stats = computeCorpusStats(ws);

  const dataset = writeKeyImageDataset(ws, 'document');
  log(`dataset: ${dataset.images} labelled key images in ${dataset.classes} document-level classes -> ${path.relative(process.cwd(), dataset.file)}`);

  // The levels' training sets share one split; tiny archives can leave a level with too few classes.
  const datasets: DemoSummary['datasets'] = {};
  const ready: TopicLevel[] = [];
  for (const level of TOPIC_LEVELS) {
    try {
      const d = buildLevelDataset(ws, { level, minTrain: 3, seed: o.seed });
      datasets[level] = { classes: d.classes, images: d.images, digest: d.digest };
      // The chain needs every level above: it trains the longest unbroken run from the document level.
      if (ready.length === TOPIC_LEVELS.indexOf(level)) ready.push(level);
      log(`dataset (${level}): ${d.classes.kept} of ${d.classes.total} classes with 3+ training images; train ${d.images.train}, validation ${d.images.validation}, test ${d.images.test} ` +
        `(split by case and patient); largest class ${(100 * d.imbalance.largest.share).toFixed(0)}% of training images, weighted loss`);
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      log(`dataset (${level}): skipped, ${error.message}`);
    }
  }

  let chain: DemoSummary['chain'];
  if ((options.train ?? true) && ready.length > 0) {
    const truth = readTruthImageCategories(archive.truthJsonl);
    const r = await trainChain(ws, { ...DEMO_CHAIN, seed: o.seed, truth, levels: ready });
    chain = {};
    for (const level of ready) {
      const { train, evaluation: e } = r.levels[level]!;
      if (!e) continue;
      chain[level] = {
        classes: e.classes.length, numTrain: train.numTrain, testImages: e.images, top1: e.top1, top5: e.top5, macroF1: e.macroF1,
        majorityTop1: e.baselines.majority.top1, randomTop1: e.baselines.priorRandom.top1,
        truthTop1: e.truth?.top1 ?? 0, truthCeiling: e.truth?.ceiling ?? 0, truthMajorityTop1: e.truth?.majorityTop1 ?? 0,
        confusionSvg: e.svg, upToDate: train.upToDate === true,
      };
      const c = chain[level]!;
      const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
      log(`train (${level}): conv4 ${train.from ? 'fine-tuned from the level above' : 'from scratch'}, ${c.numTrain} images, ${train.epochs.length} epochs${c.upToDate ? ' (up to date)' : ''}; ` +
        `test top-1 ${pct(c.top1)}, top-5 ${pct(c.top5)} over ${c.testImages} images (majority class ${pct(c.majorityTop1)}, random ${pct(c.randomTop1)}); ` +
        `study category top-1 ${pct(c.truthTop1)} (topic labels ${pct(c.truthCeiling)}, majority ${pct(c.truthMajorityTop1)})`);
    }
    log(`confusion matrices: ${ready.map((l) => path.relative(process.cwd(), chain![l]?.confusionSvg ?? '')).join(', ')}`);
  }
  // Images → words (Sections 5.3–5.4): the regression CNN from the document network, keywords and search.
  const keywords = chain?.document ? await runDemoKeywords(ws, { seed: o.seed, truthJsonl: archive.truthJsonl, log }) : undefined;
  return { archive, ingest, images, link, linkTruth, convert, stats, topics, topicTruth, embed, describe, dataset, datasets, ...(chain ? { chain } : {}), ...(keywords ? { keywords } : {}) };
}
