/**
 * pacsmine's public API. Only what is exported here is for users; the CLI and the review
 * page import from here too.
 */
export * from './util/errors.js';
// What every long-running call accepts (signal, onProgress) and reports: docs/architecture.md
export type { Progress, RunControl } from './util/progress.js';
export { Rng, mixSeed } from './util/rng.js';
export { packageVersion } from './util/version.js';
export { redactSecrets, redactUrl, splitUrlCredentials } from './util/redact.js';
export { UnsafePathError, isDicomUid, pathInside, safeName, uidFileName } from './util/safe-path.js';
export { Workspace, withWorkspace, isWorkspace, digestFile, digestStrings, stableJson } from './store/workspace.js';
export type { StageRecord, Db, OpenOptions, RecordOptions } from './store/workspace.js';
export { WorkspaceLock, lockHolder, type LockHolder, type LockOptions } from './store/lock.js';
export { filesUnder, type ArtifactRecord } from './store/artifacts.js';
export { Rejects, listRejects } from './store/rejects.js';
export type { RejectRow } from './store/rejects.js';
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
export { ingestReports, ingestItems, originalText } from './reports/ingest.js';
export type { IngestOptions, IngestSummary, IngestProgress } from './reports/ingest.js';
export { computeCorpusStats, formatCorpusStats } from './stats/corpus-stats.js';
export type { CorpusStats, MeanStat, MeanStd, StatsOptions } from './stats/corpus-stats.js';

// Image–text collections without DICOM (a manifest, MedPix 2.0, Indiana) and burned-in text masks:
// src/collections, src/images/mask.ts, docs/collections.md
export { ingestCollection, readCollection, COLLECTION_STAGE } from './collections/ingest.js';
export type { CollectionIngestOptions, CollectionIngestSummary } from './collections/ingest.js';
export { readManifest } from './collections/manifest.js';
export type { ManifestOptions } from './collections/manifest.js';
export { readMedpix, MEDPIX_OVERLAY } from './collections/medpix.js';
export { readIndiana } from './collections/iu.js';
export type { Collection, CollectionCase, CollectionImage, CollectionFormat } from './collections/types.js';
export { renderCollectionImage } from './collections/render.js';
export { renderMaskedRegions } from './collections/complement.js';
export type { MaskedRegionImage } from './collections/complement.js';
export type { RenderOptions as CollectionRenderOptions, RenderedImage as CollectionRenderedImage, MaskMode } from './collections/render.js';
export { applyMask, keepOnlyMasked, maskRects, parseMaskRegions, formatMaskRegions } from './images/mask.js';
export type { MaskRegion, MaskAnchor, PixelRect } from './images/mask.js';

// Linking key images to image instances: src/linking, docs/workspace.md
export { linkKeyImages, listLinkedKeyImages } from './linking/link.js';
export type { LinkOptions, LinkSummary, LinkedKeyImage } from './linking/link.js';

// The main job on built-in sample data, and shared plumbing
export { runDemo } from './pipeline/demo.js';
export type { DemoOptions, DemoSummary } from './pipeline/demo.js';
export { defaultWorkerCount, maxWorkerCount, checkWorkerCount } from './util/worker-count.js';
// Ingest: streaming report sources (CSV, JSON Lines, .txt folder, FHIR DiagnosticReport, HL7 ORU^R01)
export { readReports, REJECT_CODES, DEFAULT_MAX_REPORT_BYTES } from './ingest/source.js';
export type { ReportFormat, SourceRecord, Rejected, SourceItem, SourceOptions, ResolvedSourceOptions, RejectCode } from './ingest/source.js';
export { detectFormat } from './ingest/detect.js';
// Synthetic archive, DICOM index, pixel pipeline, de-identified export, PACS over DICOMweb:
// src/sample, src/images, src/pacs; docs/archive.md, docs/images.md, docs/pacs.md
export { generateArchive, imagePath } from './sample/generate.js';
export type { GenerateOptions, GenerateSummary, TruthRecord, TruthReference } from './sample/generate.js';
export { planStudy } from './sample/plan.js';
export type { StudyPlan, FindingPlan, SeriesPlan, KeyImage } from './sample/plan.js';
export { CATEGORIES, REGIONS } from './sample/catalog.js';
export type { Modality, Region, FindingType, CategorySpec } from './sample/catalog.js';
export { readImageHeader, SUPPORTED_TRANSFER_SYNTAXES, HeaderProblem } from './images/header.js';
export type { ImageHeader } from './images/header.js';
export { indexDicomFolder, INDEX_STAGE } from './images/indexer.js';
export { readKeyObject, KEY_OBJECT_SELECTION_SOP_CLASS } from './images/key-object.js';
export type { KeyObjectDocument, KeyObjectReference } from './images/key-object.js';
export { listKeyObjectImages } from './images/key-object-store.js';
export type { KeyObjectImage } from './images/key-object-store.js';
export type { IndexSummary } from './images/indexer.js';
export { DEFAULT_MAX_PIXELS, decodeImage } from './images/pixels.js';
export type { DecodedImage, DecodeOptions } from './images/pixels.js';
export { applyWindow, chooseWindow, CT_PRESETS } from './images/window.js';
export { renderKeyImage, convertToPng, pngChunkTypes } from './images/png.js';
export type { PngOptions, PngResult } from './images/png.js';
export { convertKeyImages, CONVERT_STAGE } from './images/convert.js';
export type { ConvertOptions, ConvertSummary } from './images/convert.js';
export { convertOneImage, convertDigest } from './images/convert-one.js';
export type { ImageInput, ConvertedRow, ConvertOutcome } from './images/convert-one.js';
// The job queue (BullMQ on Redis): src/queue, docs/queue.md
export { runQueueWorker } from './queue/worker.js';
export type { QueueWorkerOptions, QueueWorkerHandle } from './queue/worker.js';
export { enqueueConvert } from './queue/coordinator.js';
export type { EnqueueConvertOptions } from './queue/coordinator.js';
export { queueStatus } from './queue/status.js';
export type { QueueStatus } from './queue/status.js';
export { deidentifyPart10, mapUid, BASIC_PROFILE, DEIDENTIFICATION_METHOD } from './images/deid.js';
export { exportKeyImages, workspaceSalt } from './images/export.js';
export type { ExportOptions, ExportSummary } from './images/export.js';

export { DicomwebClient, parseMultipart } from './pacs/dicomweb.js';
export type { DicomwebAuth, DicomJson } from './pacs/dicomweb.js';
export { startOrthanc, freePort, orthancConfig } from './pacs/orthanc.js';
export type { OrthancServer, OrthancOptions } from './pacs/orthanc.js';
export { pushToPacs } from './pacs/push.js';
export type { PushSummary } from './pacs/push.js';
export { resolveReferencesViaDicomweb, fetchInstances, linkKeyImagesViaDicomweb } from './pacs/link.js';
export type { ReferenceQuery, ResolvedImage, UnresolvedImage, LinkSummary as DicomwebLinkSummary } from './pacs/link.js';
// Training (CNN on key images): backends, kernels, models, the training loop, transfer, ONNX inference.
export { useDevice, type Device, type BackendChoice } from './training/backend.js';
export { registerTrainingKernels, trainingKernelsFor } from './training/kernels/register.js';
export { ARCHITECTURES, type Architecture } from './training/architectures.js';
export { ImageClassifier, type ImageClassifierOptions, type ClassGuess } from './training/image-classifier.js';
export { ImageRegressor, type ImageRegressorOptions } from './training/image-regressor.js';
export type { ImageModel, ImageModelOptions, ImageTrainControl, ImageTrainReport, OutputOptions } from './training/image-model.js';
export type { ImageModelDescription } from './training/image-model-file.js';
export { syntheticDataset, splitDataset, subset, BatchAssembler, type ImageDataset, type Batch } from './training/data.js';
export { loadManifestDataset, type ManifestEntry, type ManifestDataset } from './training/manifest.js';
export type { EpochRecord } from './training/trainer.js';
export type { Head } from './training/losses.js';
export { exportOnnx } from './training/onnx-export.js';
export { runTraining, type TrainRunOptions, type TrainRunResult } from './training/run.js';
export { predictManifest, type Prediction } from './training/predict.js';
export { rawFileDataset, type RawFileDataset } from './training/raw-file.js';
// Datasets per topic level (one case/patient-disjoint split, classes too small dropped, class weights), the
// three-level training chain, evaluation against baselines, and classification with topic keywords.
export { buildLevelDataset, readLevelDataset, type LevelDatasetOptions, type LevelDatasetInfo, type LevelDatasetEntry } from './datasets/level.js';
export { ensureSplit, type SplitSummary } from './datasets/workspace-split.js';
export { PAPER_FRACTIONS, type SplitFractions, type SplitName } from './datasets/split.js';
export { classWeights, BALANCE_MODES, type BalanceMode } from './datasets/balance.js';
export { trainLevel, trainChain, type LevelTrainOptions, type LevelTrainResult, type ChainOptions, type ChainResult } from './training/chain.js';
export { evaluateLevel, type EvaluateOptions, type LevelEvaluation, type TruthScore } from './evaluation/evaluate.js';
export { classificationMetrics, type ClassificationMetrics, type PerClassScore } from './evaluation/metrics.js';
export { baselines, type Baselines } from './evaluation/baselines.js';
export { confusionSvg } from './evaluation/confusion-chart.js';
export { classifyImages, type ClassifyResult, type ImageClassification, type TopicGuess } from './training/classify.js';
// Topic mining (LDA): corpus, SparseLDA trainer, held-out perplexity, coherence, K sweep, three label levels.
export { buildCorpus, encodeText, subsetCorpus, saveCorpus, loadCorpus, docTokens, numDocs, CORPUS_DEFAULTS } from './topics/corpus.js';
export type { Corpus, CorpusOptions, CorpusInput, DroppedCounts } from './topics/corpus.js';
// The LDA model: new LdaModel(options) / train(corpus, { signal, onProgress, checkpoint }) / infer / save(dir) / LdaModel.load(dir) / dispose()
export { LdaModel, LDA_MODEL_FILE, argmax } from './topics/model.js';
export type { LdaTrainControl, LdaTrainReport, InferOptions, TopicWords } from './topics/model.js';
export type { LdaOptions, ResolvedLdaOptions } from './topics/options.js';
export type { TrainedLda, DocTopicCsr } from './topics/trained.js';
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

// The labelled key-image dataset and scoring against the synthetic archive's ground truth: src/pipeline
export { keyImageManifest, writeKeyImageDataset } from './pipeline/dataset.js';
export type { KeyImageDatasetSummary } from './pipeline/dataset.js';
export { scoreTopicsAgainstTruth, readTruthCategories } from './pipeline/truth.js';
export type { TopicTruthScore } from './pipeline/truth.js';
// Word vectors (Section 5.1): skip-gram word2vec, formats, neighbours, PCA, the embed stage.
export { Word2Vec, trainWord2Vec, resolveWord2VecOptions } from './embeddings/word2vec.js';
export type { Word2VecOptions, Word2VecReport, Word2VecResult, Word2VecTrainControl, KernelKind } from './embeddings/word2vec.js';
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
export { sentenceTexts, sentenceTokens, WORD2VEC_MIN_TOKEN_LENGTH } from './embeddings/sentences.js';
export { runEmbedStage, loadWorkspaceVectors, workspaceVectorsPath, workspaceModelPath, EMBED_STAGE } from './embeddings/stage.js';
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

// Bigram image descriptions (Section 5.2, Figure 7); Table 4 is computeCorpusStats.
export { describeWindow, bigramTargets, termWords } from './descriptions/bigrams.js';
export type { ReferenceWindow, ImageDescription, Bigram, WindowTerm, DescriptionOptions } from './descriptions/bigrams.js';
export { runDescribeStage, DESCRIBE_STAGE } from './descriptions/stage.js';
export type { DescribeStageOptions, DescribeStageResult } from './descriptions/stage.js';
export { builtinOntology, builtinOboText, BUILTIN_TERM_COUNT } from './ontology/builtin.js';

// Images → words (Sections 5.3–5.4): the bigram regression CNN, keyword prediction scored by R@K, text → image search.
export { regressionManifest, writeRegressionManifest, squash, autoScale } from './keywords/targets.js';
export type { RegressionManifest, RegressionRow, RegressionCounts, TargetOptions } from './keywords/targets.js';
export { trainRegression, readRegressionOutputs, REGRESS_STAGE } from './keywords/regress.js';
export type { RegressionOptions, RegressionResult, RegressionOutputs } from './keywords/regress.js';
export { predictKeywords, KeywordMatcher, rankCandidates, cosine, TOP_WORDS } from './keywords/predict-keywords.js';
export type { LevelKeyword, ImageKeywords, KeywordsResult, RankedWord } from './keywords/predict-keywords.js';
export { recallAtK, recallTable, matchKey } from './keywords/recall.js';
export type { RecallTable, PairRankings } from './keywords/recall.js';
export { searchImages, ImageSearchIndex, evaluateSearch, queryWords } from './keywords/search.js';
export type { SearchHit, SearchResult, SearchEvaluation } from './keywords/search.js';
export { evaluateKeywords, imageDiseaseWords, KEYWORDS_STAGE } from './keywords/stage.js';
export type { KeywordEvaluation, KeywordEvaluationOptions, KeywordExample } from './keywords/stage.js';
export { readTruthImageWords } from './keywords/truth.js';
// What people see: the HTML report of every result, and the clinician review app.
export { writeReport, defaultReportPath } from './report/write-report.js';
export type { WriteReportOptions, WriteReportResult } from './report/write-report.js';
export { gatherReportData } from './report/report-data.js';
export type { ReportData, GatherOptions } from './report/report-data.js';
export { createReviewServer, startReviewServer } from './review/server.js';
export type { ReviewServerOptions, RunningServer } from './review/server.js';
export { recordReviewAction, listReviewActions, applyReviewDecisions, REVIEW_ACTIONS } from './datasets/review-decisions.js';
export type { ReviewAction, ReviewActionInput, AppliedReview } from './datasets/review-decisions.js';
