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

// Topic mining (LDA): corpus, SparseLDA trainer, held-out perplexity, coherence, K sweep, three label levels.
export { buildCorpus, encodeText, subsetCorpus, saveCorpus, loadCorpus, docTokens, numDocs, CORPUS_DEFAULTS } from './topics/corpus.js';
export type { Corpus, CorpusOptions, CorpusInput, DroppedCounts } from './topics/corpus.js';
export { LdaTrainer, trainLda, checkTrainOptions } from './topics/trainer.js';
export type { TrainOptions, TrainRunOptions } from './topics/trainer.js';
export { LdaModel, argmax } from './topics/model.js';
export type { LdaModelData, InferOptions, TopicWords, DocTopicCsr } from './topics/model.js';
export { heldOutPerplexity, completionSplit } from './topics/perplexity.js';
export type { PerplexityOptions, PerplexityResult, PerplexityEstimator, HeldOutDocs } from './topics/perplexity.js';
export { leftToRightLogProb } from './topics/lefttoright.js';
export { topicCoherence, topWordIds } from './topics/coherence.js';
export type { CoherenceResult } from './topics/coherence.js';
export { normalizedMutualInformation } from './topics/nmi.js';
export { sweepTopics, chooseK, splitDocuments, evaluateModel, saveSweep } from './topics/select.js';
export type { SweepResult, SweepPoint, SweepOptions } from './topics/select.js';
export { labelDocuments } from './topics/label.js';
export type { LabelOptions, LabelResult, DocLabel } from './topics/label.js';
export { runTopicStage, TOPIC_LEVELS } from './topics/stage.js';
export type { TopicLevel, TopicStageOptions, TopicSummary } from './topics/stage.js';
export { TOPICS_SCHEMA } from './topics/schema.js';
export { generateTopicDocs } from './topics/fixtures.js';
