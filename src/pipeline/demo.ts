/**
 * The main job on built-in sample data (`npm start`): generate a synthetic picture archive (DICOM
 * files, reports, ground truth), then run every stage on it in one workspace: ingest the reports,
 * index the DICOM headers, link key-image references to files, convert key images to PNG, compute
 * the corpus statistics, label every key image with LDA topics at three levels (scored against the
 * archive's ground truth), train word vectors and describe key images with disease-term bigrams,
 * build the labelled key-image dataset and train a small CNN on it.
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
import { runTopicStage, type TopicSummary, type TopicLevel } from '../topics/stage.js';
import { scoreLinksAgainstTruth, scoreTopicsAgainstTruth, type LinkTruthScore, type TopicTruthScore } from './truth.js';
import { writeKeyImageDataset, type KeyImageDatasetSummary } from './dataset.js';
import { runTraining, type TrainRunResult } from '../training/run.js';
import { runEmbedStage, type EmbedStageResult } from '../embeddings/stage.js';
import { runDescribeStage, type DescribeStageResult } from '../descriptions/stage.js';

export interface DemoOptions {
  /** Studies in the synthetic archive. Default 80: the whole pipeline stays quick on 2 cores. */
  studies?: number;
  seed?: number;
  /** Image size in pixels (default 64) and slices per series (default 12): small, for speed. */
  size?: number;
  slices?: number;
  /** Train the small CNN on the labelled key images (default true). */
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
  embed: EmbedStageResult;
  describe: DescribeStageResult;
  training?: Omit<TrainRunResult, 'epochs'> & { lastEpoch: unknown };
}

/** The stage that generated the archive (its record lists every file, so a damaged archive is made again). */
export const DEMO_ARCHIVE_STAGE = 'demo:archive';

/** Generates the archive under the workspace unless the same options made it and every file is intact. */
async function sampleArchive(ws: Workspace, o: Required<Omit<DemoOptions, 'log' | 'train'>>): Promise<GenerateSummary> {
  const outDir = ws.artifactPath('sample-archive');
  if (ws.isUpToDate(DEMO_ARCHIVE_STAGE, o, 'generated')) return ws.stageRecord(DEMO_ARCHIVE_STAGE)?.summary as GenerateSummary;
  // A fresh folder: files of an archive made with other options must not be indexed with this one.
  rmSync(outDir, { recursive: true, force: true });
  const summary = await generateArchive({ outDir, studies: o.studies, seed: o.seed, size: o.size, slices: o.slices });
  ws.recordStage(DEMO_ARCHIVE_STAGE, o, 'generated', summary, { artifacts: filesUnder(outDir) });
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

  const stats = computeCorpusStats(ws);

  // Topic labels at three levels. The sample is small, so the sweeps are short; the rule that
  // picks K (the smallest within 2% of the best held-out perplexity) is the one real runs use.
  const common = { seed: o.seed, iterations: 150, numWorkers: 1 };
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

  const dataset = writeKeyImageDataset(ws, 'document');
  log(`dataset: ${dataset.images} labelled key images in ${dataset.classes} document-level classes -> ${path.relative(process.cwd(), dataset.file)}`);

  let training: DemoSummary['training'];
  if ((options.train ?? true) && dataset.classes >= 2 && dataset.images >= 10) {
    const run = await runTraining({
      device: 'cpu', architecture: 'conv4', manifest: dataset.file, imageSize: 36, cropSize: 32, channels: 1, head: 'softmax',
      epochs: 3, batchSize: 16, learningRate: 0.01, seed: o.seed, validationFraction: 0.2, outDir: ws.artifactPath('models', 'demo-document'),
    });
    const { epochs, ...rest } = run;
    training = { ...rest, lastEpoch: epochs[epochs.length - 1] };
    log(`train: conv4 on ${run.numTrain} key images (${run.backend}), ${epochs.length} epochs, last: ${JSON.stringify(epochs[epochs.length - 1])}`);
  }
  return { archive, ingest, images, link, linkTruth, convert, stats, topics, topicTruth, embed, describe, dataset, ...(training ? { training } : {}) };
}
