/** Tables of the terms and describe stages. */
export const DESCRIPTIONS_SCHEMA = `
-- Disease-term hits in each reference window (sentence_offset -1/0/1 = previous/reference/next sentence).
CREATE TABLE IF NOT EXISTS term_hits (
  ref_id INTEGER NOT NULL REFERENCES refs(id) ON DELETE CASCADE,
  sentence_offset INTEGER NOT NULL,
  term_id TEXT NOT NULL,
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS term_hits_ref ON term_hits(ref_id);

-- One row per (key image, bigram): the image's description targets. target_row indexes
-- artifacts/descriptions/targets.f32 ([rows × 2·vectorSize] float32, little-endian).
CREATE TABLE IF NOT EXISTS image_bigrams (
  key_image_id INTEGER NOT NULL REFERENCES key_images(id) ON DELETE CASCADE,
  ref_id INTEGER NOT NULL,
  word1 TEXT NOT NULL,
  word2 TEXT NOT NULL,
  target_row INTEGER
);
CREATE INDEX IF NOT EXISTS image_bigrams_key_image ON image_bigrams(key_image_id);
`;
