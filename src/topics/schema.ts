/**
 * The topic stage's tables. `topics` describes every topic (top 50 words, how many documents
 * and key images it holds); `topic_docs` is each document's (report's or sentence window's)
 * label; `topic_labels` gives every key image one label per level. Second-level topics are
 * numbered inside their parent (label "parent.topic", as the paper's "77.2").
 */
export const TOPICS_SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (
  level TEXT NOT NULL,          -- 'document' | 'second' | 'sentence'
  parent INTEGER NOT NULL,      -- document-level topic for 'second', else -1
  topic INTEGER NOT NULL,
  label TEXT NOT NULL,
  top_words TEXT NOT NULL,      -- JSON string[] (top 50)
  num_docs INTEGER NOT NULL,
  num_images INTEGER NOT NULL,
  PRIMARY KEY (level, parent, topic)
);

CREATE TABLE IF NOT EXISTS topic_docs (
  level TEXT NOT NULL,
  doc_id TEXT NOT NULL,         -- reports.report_id, or refs.id for the sentence level
  parent INTEGER NOT NULL,
  topic INTEGER NOT NULL,
  score REAL NOT NULL,          -- θ of the topic
  method TEXT NOT NULL,         -- 'trained' | 'fold-in' (dropped by the corpus rules) | 'prior' (no known term) | 'single'
  PRIMARY KEY (level, doc_id)
);

CREATE TABLE IF NOT EXISTS topic_labels (
  key_image_id INTEGER NOT NULL,
  level TEXT NOT NULL,
  parent INTEGER NOT NULL,
  topic INTEGER NOT NULL,
  label TEXT NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (key_image_id, level)
);
CREATE INDEX IF NOT EXISTS topic_labels_topic ON topic_labels(level, label);
`;
