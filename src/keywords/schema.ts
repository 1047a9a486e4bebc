/** The keyword stage's table: each test image's predicted keyword at each topic level (Figure 8). */
export const KEYWORDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS image_keywords (
  sop_instance_uid TEXT NOT NULL,   -- the test image (key_image_png)
  level TEXT NOT NULL,              -- 'document' | 'second' | 'sentence'
  topic TEXT NOT NULL,              -- the topic the level's classifier gave it
  keyword TEXT,                     -- the topic word nearest its regression output; NULL when no candidate has a vector
  cosine REAL,
  hit INTEGER,                      -- 1/0: the keyword is/is not a disease word of its own sentences; NULL when they name none
  PRIMARY KEY (sop_instance_uid, level)
);
`;
