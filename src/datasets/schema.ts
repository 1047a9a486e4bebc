/**
 * The split table: one row per key-image PNG, shared by every topic level, so that the document,
 * second-level and sentence-level networks are trained and tested on the same images (the chain
 * fine-tunes each level from the one above: a test image of one level must not be a training
 * image of another).
 */
export const DATASETS_SCHEMA = `
CREATE TABLE IF NOT EXISTS dataset_splits (
  sop_instance_uid TEXT PRIMARY KEY,   -- the key image (key_image_png)
  group_key TEXT NOT NULL,             -- its case/patient group: 'case:<report id>' or 'patient:<id>', the group's smallest key
  split TEXT NOT NULL                  -- 'train' | 'validation' | 'test'
);
CREATE INDEX IF NOT EXISTS dataset_splits_split ON dataset_splits(split);
`;
