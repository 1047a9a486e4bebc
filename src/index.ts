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

// Word vectors (Section 5.1): skip-gram word2vec, formats, neighbours, PCA, the embed stage.
export { trainWord2Vec, trainEncoded, resolveWord2VecOptions } from './embeddings/word2vec.js';
export type { Word2VecOptions, Word2VecReport, Word2VecResult, KernelKind } from './embeddings/word2vec.js';
export { buildVocabulary, vocabularyFromCounts, reorderVocabulary, buildHuffmanTree, sampleThresholds } from './embeddings/vocab.js';
export type { Vocabulary, HuffmanTree } from './embeddings/vocab.js';
export { encodeCorpus } from './embeddings/corpus.js';
export type { EncodedCorpus } from './embeddings/corpus.js';
export { WordVectors } from './embeddings/vectors.js';
export type { Neighbour } from './embeddings/vectors.js';
export { saveWord2VecFormat, loadWord2VecFormat } from './embeddings/format.js';
export type { Word2VecFormat } from './embeddings/format.js';
export { projectWords2d } from './embeddings/pca.js';
export type { ProjectedWord } from './embeddings/pca.js';
export { splitSentences, sentenceTokens, WORD2VEC_MIN_TOKEN_LENGTH } from './embeddings/sentences.js';
export { runEmbedStage, loadWorkspaceVectors, workspaceVectorsPath, EMBED_STAGE } from './embeddings/stage.js';
export type { EmbedStageOptions, EmbedStageResult } from './embeddings/stage.js';

// Disease terms (Section 5.2): OBO parser, term matcher, negation/uncertainty.
export { parseObo, loadObo, SYNONYM_SCOPES } from './ontology/obo.js';
export type { Ontology, OboTerm, OboSynonym, OboProblem, SynonymScope, ParseOboOptions } from './ontology/obo.js';
export { TermMatcher } from './ontology/matcher.js';
export type { TermMatch, MatcherOptions } from './ontology/matcher.js';
export { normalizeToken } from './ontology/normalize.js';
export { assertionStatus } from './ontology/negation.js';
export type { AssertionStatus } from './ontology/negation.js';
export { findTerms } from './ontology/terms.js';
export type { TermHit } from './ontology/terms.js';

// Bigram image descriptions and Table 4 word counts (Section 5.2, Figure 7).
export { describeWindow, bigramTargets, termWords } from './descriptions/bigrams.js';
export type { ReferenceWindow, ImageDescription, Bigram, WindowTerm, DescriptionOptions } from './descriptions/bigrams.js';
export { wordCountTable } from './descriptions/word-counts.js';
export type { WordCountTable, MeanStd } from './descriptions/word-counts.js';
export { runDescribeStage, DESCRIBE_STAGE } from './descriptions/stage.js';
export type { DescribeStageOptions, DescribeStageResult } from './descriptions/stage.js';
