/**
 * The workspace's tables. The raw report text lives only in `reports_raw`; every downstream
 * stage reads the de-identified `reports.text`.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS stages (
  stage TEXT PRIMARY KEY,
  params TEXT NOT NULL,
  input_digest TEXT NOT NULL,
  package_version TEXT NOT NULL,   -- the version that wrote the record, for people; staleness is decided by code_digest
  finished_at TEXT NOT NULL,
  summary TEXT NOT NULL,
  artifacts TEXT,            -- JSON [{path, size, sha256}] of the files the stage wrote; NULL in records from before
  code_digest TEXT           -- codeDigest() of the stage's src folders (util/code-digest.ts); NULL in records from before
);

-- Original report text, as received, for the reports that de-identification changed (elsewhere the
-- original equals reports.text). Identifying: never read by mining stages or exports.
CREATE TABLE IF NOT EXISTS reports_raw (
  report_id TEXT PRIMARY KEY,
  raw_text TEXT NOT NULL
);

-- De-identified reports: what every mining stage reads.
CREATE TABLE IF NOT EXISTS reports (
  report_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  accession TEXT,
  patient_id TEXT,
  modality TEXT,
  exam_date TEXT,
  text TEXT NOT NULL,
  num_sentences INTEGER NOT NULL,
  num_tokens INTEGER NOT NULL,
  num_refs INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_accession ON reports(accession);
CREATE INDEX IF NOT EXISTS reports_source ON reports(source);

-- Every input record that was not ingested, with the reason. Counts reconcile:
-- records seen = reports ingested + rejects.
CREATE TABLE IF NOT EXISTS rejects (
  id INTEGER PRIMARY KEY,
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  record_id TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL
);

-- Where an unfinished report ingest of one source stands (src/reports/ingest-resume.ts): written in
-- the transaction of every batch, so that a run killed at any moment continues after its last
-- committed batch; removed in the transaction that records the finished stage.
CREATE TABLE IF NOT EXISTS ingest_progress (
  stage TEXT NOT NULL,       -- the stage its rejects are listed under ('ingest', or a collection's)
  source TEXT NOT NULL,
  run_key TEXT NOT NULL,     -- the run's identity (input file digest, parameters, code): another key restarts the source
  records INTEGER NOT NULL,  -- source records consumed (stored or rejected) by the committed batches
  counts TEXT NOT NULL,      -- JSON: the summary counts of those batches
  PRIMARY KEY (stage, source)
);

-- Key-image references found in report text (span offsets are into reports.text), and the captions of
-- collection images (section 'CAPTION', sentence = the de-identified caption, an empty span: start = end = 0).
CREATE TABLE IF NOT EXISTS refs (
  id INTEGER PRIMARY KEY,
  report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
  sentence_index INTEGER NOT NULL,   -- negative for a collection caption (-n: the case's n-th image), which is no sentence of the report
  section TEXT,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  text TEXT NOT NULL,
  series TEXT NOT NULL,      -- JSON number[]; empty when the report names no series
  series_text TEXT,          -- the words naming the series ("coronal T2"), NULL when none (added later: see migrate())
  instances TEXT NOT NULL,   -- JSON number[]
  sentence TEXT NOT NULL,
  prev_sentence TEXT,
  next_sentence TEXT
);
CREATE INDEX IF NOT EXISTS refs_report ON refs(report_id);

-- One row per (reference, series, instance): the key images a report points at.
CREATE TABLE IF NOT EXISTS key_images (
  id INTEGER PRIMARY KEY,
  ref_id INTEGER REFERENCES refs(id) ON DELETE CASCADE,   -- NULL for origin 'accession'; for 'caption', the caption's refs row
  report_id TEXT NOT NULL,
  origin TEXT NOT NULL DEFAULT 'text',                       -- 'text' (a parsed reference) | 'accession' (the PACS's key-image flag) | 'caption' (a collection image, src/collections)
  series_number INTEGER,     -- NULL when the reference names no series
  instance_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS key_images_report ON key_images(report_id);

-- The image table: one row per DICOM instance known to the workspace (folder or PACS).
CREATE TABLE IF NOT EXISTS images (
  sop_instance_uid TEXT PRIMARY KEY,
  study_uid TEXT,
  series_uid TEXT,
  accession TEXT,
  patient_id TEXT,
  modality TEXT,
  series_number INTEGER,
  instance_number INTEGER,
  body_part TEXT,
  rows INTEGER,
  columns INTEGER,
  location TEXT NOT NULL,    -- a file path, or a DICOMweb URL
  is_key INTEGER NOT NULL DEFAULT 0,  -- flagged as a key image by the archive (e.g. a Key Object Selection document)
  source TEXT NOT NULL       -- 'file' | 'dicomweb' | 'collection' (an image file of an image–text collection)
);
CREATE INDEX IF NOT EXISTS images_lookup ON images(accession, series_number, instance_number);
CREATE INDEX IF NOT EXISTS images_series ON images(series_uid, instance_number);

-- What each series is, from the headers of its images (folder) or the PACS's answers: what a
-- reference that names its series by plane and sequence ("coronal T2 image 52") is matched against.
CREATE TABLE IF NOT EXISTS image_series (
  series_uid TEXT PRIMARY KEY,
  study_uid TEXT,
  accession TEXT,
  series_number INTEGER,
  modality TEXT,
  description TEXT,          -- SeriesDescription (0008,103E)
  protocol TEXT,             -- ProtocolName (0018,1030)
  plane TEXT,                -- from ImageOrientationPatient: 'axial' | 'coronal' | 'sagittal' | 'oblique'
  scanning_sequence TEXT,    -- (0018,0020), e.g. 'SE', 'IR', 'GR'
  sequence_variant TEXT,
  sequence_name TEXT,
  repetition_time REAL,
  echo_time REAL,
  inversion_time REAL,
  contrast_agent TEXT,       -- ContrastBolusAgent (0018,0010); NULL: none recorded
  kernel TEXT                -- ConvolutionKernel (0018,1210)
);
CREATE INDEX IF NOT EXISTS image_series_accession ON image_series(accession);

-- Key Object Selection documents (KOS) read from a folder or a PACS: the images a radiologist
-- bookmarked. Their instances are flagged images.is_key; the accession fallback of \`pacsmine link\` uses them.
CREATE TABLE IF NOT EXISTS key_objects (
  sop_instance_uid TEXT PRIMARY KEY,
  study_uid TEXT,
  series_uid TEXT,
  accession TEXT,
  title TEXT,                -- the document title (Concept Name), e.g. 'Of Interest'
  description TEXT,          -- its Key Object Description text, de-identified; NULL when none
  location TEXT NOT NULL,    -- a file path, or a DICOMweb URL
  source TEXT NOT NULL       -- 'file' | 'dicomweb'
);
CREATE TABLE IF NOT EXISTS key_object_images (
  key_object_uid TEXT NOT NULL REFERENCES key_objects(sop_instance_uid) ON DELETE CASCADE,
  sop_instance_uid TEXT NOT NULL,
  series_uid TEXT,
  study_uid TEXT,
  PRIMARY KEY (key_object_uid, sop_instance_uid)
);
CREATE INDEX IF NOT EXISTS key_object_images_sop ON key_object_images(sop_instance_uid);

-- Key image -> image instance. method: 'series-instance' (accession + series + instance),
-- 'instance-only' (accession + instance where the report named no series and only one series matches),
-- 'series-description' (accession + the one series the reference's words fit + instance),
-- 'accession-only' (the paper's fallback for ~28K images: the report's accession alone, images flagged by the archive),
-- 'key-object' (the same fallback, for images a Key Object Selection document flags),
-- 'caption' (a collection image and its caption, linked when the collection is ingested; \`pacsmine link\` keeps these).
CREATE TABLE IF NOT EXISTS links (
  key_image_id INTEGER NOT NULL REFERENCES key_images(id) ON DELETE CASCADE,
  sop_instance_uid TEXT NOT NULL,
  method TEXT NOT NULL,
  PRIMARY KEY (key_image_id, sop_instance_uid)
);
`;
