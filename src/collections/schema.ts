/**
 * Tables of the collection stage, beside the core tables it also fills (reports, refs with the
 * caption as key sentence, key_images with origin 'caption', images with source 'collection',
 * links with method 'caption', key_image_png).
 */
export const COLLECTIONS_SCHEMA = `
-- One row per image taken from a collection: what a case-disjoint split, a per-modality or
-- per-plane breakdown and the review page need. report_id is the case id.
CREATE TABLE IF NOT EXISTS collection_images (
  sop_instance_uid TEXT PRIMARY KEY,   -- 'collection:' + 32 hex digits of SHA-256(collection name, image id)
  source TEXT NOT NULL,                -- the collection's path, as reports.source
  collection TEXT NOT NULL,            -- its name ('medpix2', 'iu-xray', a manifest's name)
  image_id TEXT NOT NULL,              -- the collection's own id of the image
  report_id TEXT NOT NULL,
  key_image_id INTEGER NOT NULL,
  patient_id TEXT,
  modality TEXT,
  plane TEXT,
  body_location TEXT,
  location_category TEXT,
  meta TEXT NOT NULL DEFAULT '{}',     -- JSON: anything else the adapter keeps (e.g. MedPix's modality detail)
  mask TEXT,                           -- the regions masked (anchor:WxH,...), NULL when unmasked
  png_sha256 TEXT NOT NULL,            -- of the key-image PNG, for the stage's output digest
  UNIQUE (collection, image_id)
);
CREATE INDEX IF NOT EXISTS collection_images_report ON collection_images(report_id);

-- Case text kept beside the report, not in it (MedPix's disease discussion, differential
-- diagnosis, ...), de-identified like the report: extra text for word vectors, never for topics.
CREATE TABLE IF NOT EXISTS case_extra_text (
  report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (report_id, kind)
);
`;
