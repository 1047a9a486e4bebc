/**
 * pacsmine's public API. Only what is exported here is for users; the CLI and the review
 * page import from here too.
 */
export * from './util/errors.js';
export { Rng, mixSeed } from './util/rng.js';
export { packageVersion } from './util/version.js';
export { Workspace, withWorkspace, isWorkspace, digestFile, digestStrings, stableJson } from './store/workspace.js';
export type { StageRecord, Db } from './store/workspace.js';
export { tokenize, scanTokens, countTokens, stemToken, isNumericToken, isPlaceholderToken } from './reports/tokenize.js';
export type { TokenizeOptions } from './reports/tokenize.js';
export { STOP_WORDS, isStopWord } from './reports/stopwords.js';

// Key-image references in report text ("series 3 image 84-7"): src/refs, docs/reference-grammar.md
export { extractReferences, keyImagePairs } from './refs/extract.js';
export type { ImageReference, KeyImagePair } from './refs/extract.js';
export { MAX_INSTANCES_PER_REFERENCE } from './refs/ranges.js';

// Reports: de-identification, sentences, the ingest stage, statistics: src/reports, src/stats, docs/reports.md
export { deidentify, deidentifyText, PLACEHOLDER_PATTERN } from './reports/deidentify.js';
export type { DeidentifyResult, PhiSpan, PhiKind } from './reports/deidentify.js';
export { splitSentences, sentenceAt } from './reports/sentences.js';
export type { Sentence } from './reports/sentences.js';
export { processReport } from './reports/process.js';
export type { ProcessedReport, ProcessedReference } from './reports/process.js';
export { ingestReports, ingestItems, listRejects, originalText } from './reports/ingest.js';
export type { IngestOptions, IngestSummary, IngestProgress } from './reports/ingest.js';
export { generateSyntheticReports } from './reports/synthetic.js';
export type { SyntheticReport } from './reports/synthetic.js';
export { computeCorpusStats, formatCorpusStats } from './stats/corpus-stats.js';
export type { CorpusStats, MeanStat, StatsOptions } from './stats/corpus-stats.js';

// Linking key images to image instances: src/linking, docs/workspace.md
export { linkKeyImages, listLinkedKeyImages } from './linking/link.js';
export type { LinkOptions, LinkSummary, LinkedKeyImage } from './linking/link.js';

// The main job on built-in sample data, and shared plumbing
export { runDemo, writeSyntheticReports } from './pipeline/demo.js';
export type { DemoOptions, DemoSummary } from './pipeline/demo.js';
export { WorkerPool, defaultWorkerCount } from './util/pool.js';
// Ingest: streaming report sources (CSV, JSON Lines, .txt folder, FHIR DiagnosticReport, HL7 ORU^R01)
export { readReports, REJECT_CODES, DEFAULT_MAX_REPORT_BYTES } from './ingest/source.js';
export type { ReportFormat, SourceRecord, Rejected, SourceItem, SourceOptions, ResolvedSourceOptions, RejectCode } from './ingest/source.js';
export { detectFormat } from './ingest/detect.js';
