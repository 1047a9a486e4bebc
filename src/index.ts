/**
 * pacsmine's public API: a contract. What is exported here is for users, grouped as the pipeline
 * runs; everything else is internal and may change. The CLI (src/cli) is a user like any other and
 * imports library code only from here (src/cli/cli-imports.test.ts); src/public-api.test.ts bounds
 * the number of values. Types are exported freely: they cost nothing at run time.
 * docs/architecture.md#public-api lists the groups.
 */

// Workspace and store: one folder per project (SQLite store + artifacts), one writer at a time;
// the rejects table lists every record a stage refused (`ws.rejects(stage)`). docs/workspace.md
export { Workspace, withWorkspace } from './store/workspace.js';
export type { StageRecord, Db, OpenOptions, RecordOptions } from './store/workspace.js';
export type { LockHolder, LockOptions } from './store/lock.js';
export type { RejectRow } from './store/rejects.js';
export type { Progress, RunControl } from './util/progress.js';
export { packageVersion } from './util/version.js';
// The values stage options accept and their defaults (topic levels, architectures, ...).
export { OPTION_VALUES } from './option-values.js';

// Sources and ingest: a synthetic archive with ground truth; reports (CSV, JSON Lines, .txt, FHIR,
// HL7) → de-identified text, sentences, references; image–text collections; DICOM headers, key-image
// PNGs, de-identified export; a PACS over DICOMweb; corpus statistics.
// docs/archive.md, docs/reports.md, docs/ingest-formats.md, docs/collections.md, docs/images.md, docs/pacs.md
export { generateArchive } from './sample/generate.js';
export type { GenerateOptions, GenerateSummary, TruthRecord, TruthReference } from './sample/generate.js';
export { readReports } from './ingest/source.js';
export type { ReportFormat, SourceRecord, Rejected, SourceItem, SourceOptions, RejectCode } from './ingest/source.js';
export { ingestReports } from './reports/ingest.js';
export type { IngestOptions, IngestSummary, IngestProgress } from './reports/ingest.js';
export { ingestCollection } from './collections/ingest.js';
export type { CollectionIngestOptions, CollectionIngestSummary } from './collections/ingest.js';
export type { Collection, CollectionCase, CollectionImage, CollectionFormat } from './collections/types.js';
export { parseMaskRegions } from './images/mask.js';
export type { MaskRegion, MaskAnchor } from './images/mask.js';
export { indexDicomFolder } from './images/indexer.js';
export type { IndexSummary } from './images/indexer.js';
export { convertKeyImages, convertedKeyImagePaths } from './images/convert.js';
export type { ConvertOptions, ConvertSummary } from './images/convert.js';
export { exportKeyImages } from './images/export.js';
export type { ExportOptions, ExportSummary } from './images/export.js';
export { DicomwebClient } from './pacs/dicomweb.js';
export type { DicomwebAuth, DicomJson } from './pacs/dicomweb.js';
export { pushToPacs } from './pacs/push.js';
export type { PushSummary } from './pacs/push.js';
export { startOrthanc } from './pacs/orthanc.js';
export type { OrthancServer, OrthancOptions } from './pacs/orthanc.js';
export { computeCorpusStats } from './stats/corpus-stats.js';
export type { CorpusStats, MeanStat, MeanStd, StatsOptions } from './stats/corpus-stats.js';

// Key-image references and linking: "series 3 image 84-7" in report text → image instances, from
// the image table or a PACS. docs/reference-grammar.md, docs/workspace.md, docs/pacs.md
export { extractReferences } from './refs/extract.js';
export type { ImageReference, KeyImagePair } from './refs/extract.js';
export { linkKeyImages } from './linking/link.js';
export type { LinkOptions, LinkSummary, LinkedKeyImage } from './linking/link.js';
export { linkKeyImagesViaDicomweb } from './pacs/link.js';
export type { LinkSummary as DicomwebLinkSummary } from './pacs/link.js';

// Topics (LDA): the model class (new LdaModel(options) / train / infer / save / LdaModel.load),
// labelling documents, and the workspace stage at three levels. docs/topics.md
export { LdaModel } from './topics/model.js';
export type { LdaTrainControl, LdaTrainReport, InferOptions, TopicWords } from './topics/model.js';
export type { LdaOptions, ResolvedLdaOptions } from './topics/options.js';
export type { Corpus, CorpusOptions } from './topics/corpus.js';
export type { SweepResult, SweepPoint, SweepOptions } from './topics/select.js';
export { labelDocuments } from './topics/label.js';
export type { LabelOptions, LabelResult, DocLabel } from './topics/label.js';
export { runTopicStage } from './topics/stage.js';
export type { TopicLevel, TopicStageOptions, TopicSummary } from './topics/stage.js';

// Embeddings (word2vec): the model class, the vectors (lookups, WordVectors.load / save in the C
// tool's formats, project2d), sentence tokens, and the workspace stage. docs/embeddings.md
export { Word2Vec } from './embeddings/word2vec.js';
export type { Word2VecOptions, Word2VecReport, Word2VecTrainControl, KernelKind } from './embeddings/word2vec.js';
export { WordVectors } from './embeddings/vectors.js';
export type { Neighbour } from './embeddings/vectors.js';
export type { Word2VecFormat } from './embeddings/format.js';
export type { ProjectedWord } from './embeddings/pca.js';
export { sentenceTokens } from './embeddings/sentences.js';
export { runEmbedStage, loadWorkspaceVectors } from './embeddings/stage.js';
export type { EmbedStageOptions, EmbedStageResult } from './embeddings/stage.js';

// Disease terms and image descriptions: Disease Ontology (loadObo(file), or loadObo() for the built-in
// subset), the term matcher with negation (matcher.findTerms(sentence)), and the describe stage (bigram targets per key image). docs/disease-terms.md
export { loadObo } from './ontology/obo.js';
export { TermMatcher } from './ontology/matcher.js';
export type { Ontology, OboTerm, OboSynonym, OboProblem, SynonymScope, ParseOboOptions } from './ontology/obo.js';
export type { TermMatch, MatcherOptions } from './ontology/matcher.js';
export type { AssertionStatus } from './ontology/negation.js';
export type { TermHit } from './ontology/terms.js';
export { runDescribeStage } from './descriptions/stage.js';
export type { DescribeStageOptions, DescribeStageResult } from './descriptions/stage.js';

// Datasets, training and evaluation: a dataset per topic level, the CNN model classes, training (a
// manifest, or the workspace's levels one by one or as the paper's chain), test scores against baselines,
// classification, ONNX prediction, and the synthetic archive's ground truth. docs/training.md
export { buildLevelDataset } from './datasets/level.js';
export type { LevelDatasetOptions, LevelDatasetInfo, LevelDatasetEntry } from './datasets/level.js';
export type { SplitFractions, SplitName } from './datasets/split.js';
export type { BalanceMode } from './datasets/balance.js';
// The image model classes (new ImageClassifier(options) / train / infer / save / ImageClassifier.load).
export { ImageClassifier } from './training/image-classifier.js';
export type { ImageClassifierOptions, ClassGuess } from './training/image-classifier.js';
export { ImageRegressor } from './training/image-regressor.js';
export type { ImageRegressorOptions } from './training/image-regressor.js';
export type { ImageModel, ImageModelOptions, ImageTrainControl, ImageTrainReport, OutputOptions } from './training/image-model.js';
export type { ImageModelDescription } from './training/image-model-file.js';
export { runTraining } from './training/run.js';
export type { TrainRunOptions, TrainRunResult } from './training/run.js';
export type { Device, BackendChoice } from './training/backend.js';
export type { Architecture } from './training/architectures.js';
export type { Head } from './training/losses.js';
export type { EpochRecord } from './training/trainer.js';
export { trainLevel, trainChain, trainedLevels } from './training/chain.js';
export type { LevelTrainOptions, LevelTrainResult, ChainOptions, ChainResult } from './training/chain.js';
export { evaluateLevel } from './evaluation/evaluate.js';
export type { EvaluateOptions, LevelEvaluation, TruthScore } from './evaluation/evaluate.js';
export type { ClassificationMetrics, PerClassScore } from './evaluation/metrics.js';
export type { Baselines } from './evaluation/baselines.js';
export { classifyImages } from './training/classify.js';
export type { ClassifyResult, ImageClassification, TopicGuess } from './training/classify.js';
export { predictManifest } from './training/predict.js';
export type { Prediction } from './training/predict.js';
export { readArchiveTruth } from './pipeline/truth.js';
export type { ArchiveTruth } from './pipeline/truth.js';

// Keywords (images → words): the bigram regression CNN, keyword R@K on the test split, each image's
// keywords, text → image search. docs/keywords.md
export { trainRegression } from './keywords/regress.js';
export type { RegressionOptions, RegressionResult, RegressionOutputs } from './keywords/regress.js';
export { evaluateKeywords } from './keywords/stage.js';
export type { KeywordEvaluation, KeywordEvaluationOptions, KeywordExample } from './keywords/stage.js';
export { predictKeywords } from './keywords/predict-keywords.js';
export type { LevelKeyword, ImageKeywords, KeywordsResult } from './keywords/predict-keywords.js';
export { searchImages } from './keywords/search.js';
export type { SearchHit, SearchResult, SearchEvaluation } from './keywords/search.js';

// Report, review and the whole job: one HTML page of every result, the clinician review app, and
// the demo that runs every stage on a synthetic archive. docs/report.md
export { writeReport } from './report/write-report.js';
export type { WriteReportOptions, WriteReportResult } from './report/write-report.js';
export type { ReportData } from './report/report-data.js';
export { startReviewServer } from './review/server.js';
export type { ReviewServerOptions, RunningServer } from './review/server.js';
export type { ReviewAction, ReviewActionInput, AppliedReview } from './datasets/review-decisions.js';
export { runDemo } from './pipeline/demo.js';
export type { DemoOptions, DemoSummary } from './pipeline/demo.js';

// Queue: key-image conversion as jobs on Redis (BullMQ), done by worker processes. docs/queue.md
export { runQueueWorker } from './queue/worker.js';
export type { QueueWorkerOptions, QueueWorkerHandle } from './queue/worker.js';
export { enqueueConvert } from './queue/coordinator.js';
export type { EnqueueConvertOptions } from './queue/coordinator.js';
export { enqueueClassify, enqueueKeywords } from './queue/infer-coordinator.js';
export type { EnqueueInferOptions } from './queue/infer-coordinator.js';
export { enqueueIngest } from './queue/ingest-coordinator.js';
export type { EnqueueIngestOptions } from './queue/ingest-coordinator.js';
export { queueStatus } from './queue/status.js';
export type { QueueStatus } from './queue/status.js';

// Errors: every error pacsmine throws is a PacsmineError with a `code`; describeError gives any
// thrown value's message with credentials and tokens redacted.
export {
  PacsmineError, OptionsError, MissingStageError, InputError, FormatError, WorkerError, CancelledError,
  WorkspaceBusyError, AuthError, UnreachableError, describeError,
} from './util/errors.js';
export type { ErrorCode } from './util/errors.js';
