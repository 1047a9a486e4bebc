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

// Key-image references in report text ("series 3 image 84-7"): src/refs, docs/reference-grammar.md
export { extractReferences, keyImagePairs } from './refs/extract.js';
export type { ImageReference, KeyImagePair } from './refs/extract.js';
export { MAX_INSTANCES_PER_REFERENCE } from './refs/ranges.js';
