/**
 * pacsmine's public API. Only what is exported here is for users; the CLI and the review
 * page import from here too.
 */
export * from './util/errors.js';
export { Rng, mixSeed } from './util/rng.js';
export { packageVersion } from './util/version.js';
export { Workspace, withWorkspace, isWorkspace, digestFile, digestStrings, stableJson } from './store/workspace.js';
export type { StageRecord, Db } from './store/workspace.js';
export { tokenize, scanTokens, countTokens, stemToken, isNumericToken } from './reports/tokenize.js';
export type { TokenizeOptions } from './reports/tokenize.js';
export { STOP_WORDS, isStopWord } from './reports/stopwords.js';

// Ingest: streaming report sources (CSV, JSON Lines, .txt folder, FHIR DiagnosticReport, HL7 ORU^R01)
export { readReports, REJECT_CODES, DEFAULT_MAX_REPORT_BYTES } from './ingest/source.js';
export type { ReportFormat, SourceRecord, Rejected, SourceItem, SourceOptions, ResolvedSourceOptions, RejectCode } from './ingest/source.js';
export { detectFormat } from './ingest/detect.js';
