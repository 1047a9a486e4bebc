/**
 * Everything the HTML report shows, gathered from the workspace: exactly what `pacsmine report
 * --json` prints. Each section is a stage's own output — its stage record's summary (what the
 * stage's --json printed when it ran) or the files it wrote — copied, never recomputed, so every
 * number in the page is the stage's number. A stage that has not run is a section with status
 * 'not run' and the command that runs it; the page shows it as such.
 *
 * Pixels are not in here: images are named by id and workspace-relative path, and the renderer
 * makes the thumbnails.
 */
import type { Workspace } from '../store/workspace.js';
import { packageVersion } from '../util/version.js';
import { computeCorpusStats, type CorpusStats } from '../stats/corpus-stats.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { notRun, tableExists, type Section } from './section.js';
import { gatherTopics, type TopicLevelReport } from './gather-topics.js';
import { gatherClassification, gatherTraining, type ClassificationReport, type TrainingCurve } from './gather-results.js';
import { gatherWords, gatherDescriptions, gatherKeywords, type WordMapReport, type DescriptionReport, type KeywordReport } from './gather-words.js';

export type { Section, NotRun } from './section.js';

export interface StageLine {
  stage: string;
  finishedAt: string;
  packageVersion: string;
  /** The first 12 hex digits of the code digest the stage ran with. */
  code: string | null;
  params: unknown;
}

export interface ReportHeader {
  format: 'pacsmine.report';
  generatedAt: string;
  packageVersion: string;
  workspace: string;
  /** What data: reports per source, images per source, key images. */
  data: { reports: Record<string, number>; images: Record<string, number>; keyImages: number; convertedKeyImages: number };
  /** Each stage's seed, where its parameters name one. */
  seeds: Record<string, number>;
  /** What settings: every stage that ran, with its parameters. */
  stages: StageLine[];
}

export interface ReportData {
  header: ReportHeader;
  /** Tables 1, 2 and 4: `pacsmine stats --json`. */
  stats: Section<CorpusStats>;
  /** Figure 2 (sweeps) and Figures 3/4 (topics with sample images), per level. */
  topics: Record<TopicLevel, Section<TopicLevelReport>>;
  /** Table 3 and Figure 5, per level. */
  classification: Record<TopicLevel, Section<ClassificationReport>>;
  /** Loss and accuracy per epoch of every trained network. */
  training: TrainingCurve[];
  /** Figure 6. */
  words: Section<WordMapReport>;
  /** Figure 7: key images with their bigrams. */
  descriptions: Section<DescriptionReport>;
  /** Figure 8 and R@K. */
  keywords: Section<KeywordReport>;
}

export interface GatherOptions {
  /** Sample images per topic (Figures 3/4). Default 6. */
  imagesPerTopic?: number;
  /** Topics per level that get a strip of images (the largest first). Default 40. */
  topicsWithImages?: number;
  /** Key images shown in Figures 7 and 8. Default 8. */
  examples?: number;
  /** Words placed on the PCA map (Figure 6). Default 30. */
  mapWords?: number;
}

function countBy(ws: Workspace, sql: string): Record<string, number> {
  return Object.fromEntries((ws.db.prepare(sql).all() as Array<{ k: string | null; n: number }>).map((r) => [r.k ?? 'unknown', r.n]));
}

function header(ws: Workspace): ReportHeader {
  const rows = ws.db.prepare('SELECT stage FROM stages ORDER BY finished_at, stage').pluck().all() as string[];
  const stages: StageLine[] = [];
  const seeds: Record<string, number> = {};
  for (const stage of rows) {
    const r = ws.stageRecord(stage)!;
    stages.push({ stage, finishedAt: r.finishedAt, packageVersion: r.packageVersion, code: r.codeDigest?.slice(0, 12) ?? null, params: r.params });
    const seed = (r.params as { seed?: unknown } | null)?.seed ?? (r.params as { split?: { seed?: unknown } } | null)?.split?.seed;
    if (typeof seed === 'number') seeds[stage] = seed;
  }
  return {
    format: 'pacsmine.report',
    generatedAt: new Date().toISOString(),
    packageVersion,
    workspace: ws.dir,
    data: {
      reports: countBy(ws, 'SELECT source AS k, COUNT(*) AS n FROM reports GROUP BY source ORDER BY source'),
      images: countBy(ws, 'SELECT source AS k, COUNT(*) AS n FROM images GROUP BY source ORDER BY source'),
      keyImages: ws.db.prepare('SELECT COUNT(*) FROM key_images').pluck().get() as number,
      convertedKeyImages: tableExists(ws, 'key_image_png') ? (ws.db.prepare('SELECT COUNT(*) FROM key_image_png').pluck().get() as number) : 0,
    },
    seeds,
    stages,
  };
}

/** Gathers the report's data from the workspace (reads only). */
export function gatherReportData(ws: Workspace, options: GatherOptions = {}): ReportData {
  const reports = ws.db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number;
  const topics = {} as ReportData['topics'];
  const classification = {} as ReportData['classification'];
  for (const level of TOPIC_LEVELS) {
    topics[level] = gatherTopics(ws, level, options);
    classification[level] = gatherClassification(ws, level);
  }
  return {
    header: header(ws),
    // The stats command's own function with its default --top: the same object `pacsmine stats --json` prints.
    stats: reports > 0 ? { status: 'ok', ...computeCorpusStats(ws) } : notRun('no reports in the workspace: run `pacsmine ingest` (or `pacsmine ingest-collection`)'),
    topics,
    classification,
    training: gatherTraining(ws),
    words: gatherWords(ws, options.mapWords ?? 30),
    descriptions: gatherDescriptions(ws, options.examples ?? 8),
    keywords: gatherKeywords(ws, options.examples ?? 8),
  };
}
