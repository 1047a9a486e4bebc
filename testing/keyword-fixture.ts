/**
 * A small workspace for tests of the image-to-words regression, keyword prediction and search,
 * on top of the labelled fixture (testing/dataset-fixture.ts: a case's document topic is drawn in
 * its images). Each document topic has its own disease bigram ("lung cancer", "breast mass",
 * "liver cyst"); the case's reference sentence names it, its disease-term hits are that bigram's
 * words, its images carry it as their bigram target, and the topic's top words hold both words
 * among others. Word vectors are seeded random vectors written where `pacsmine embed` puts them.
 * Every fifth case's sentence names no disease: its images have no bigram.
 */
import type { Workspace } from '../src/store/workspace.js';
import { writeFixture, type FixtureImage, type FixtureOptions } from './dataset-fixture.js';
import { DESCRIPTIONS_SCHEMA } from '../src/descriptions/schema.js';
import { WordVectors } from '../src/embeddings/vectors.js';
import { saveWord2VecFormat } from '../src/embeddings/format.js';
import { workspaceModelPath, workspaceVectorsPath } from '../src/embeddings/stage.js';
import { writeModelFile } from '../src/embeddings/model-file.js';
import { resolveWord2VecOptions } from '../src/embeddings/options.js';
import { vocabularyOf } from '../src/embeddings/vocab.js';
import { Rng } from '../src/util/rng.js';

export const TOPIC_BIGRAMS: ReadonlyArray<readonly [string, string]> = [['lung', 'cancer'], ['breast', 'mass'], ['liver', 'cyst']];
/** Words every topic lists too (candidates that are no disease words). */
export const FILLER_WORDS = ['image', 'axial', 'contrast', 'seen', 'right', 'left'];

export interface KeywordFixtureImage extends FixtureImage {
  /** The disease words of the image's sentence (empty for a case without a disease). */
  truth: string[];
  caption: string;
}

export interface KeywordFixture {
  images: KeywordFixtureImage[];
  vectors: WordVectors;
}

export async function writeKeywordFixture(ws: Workspace, options: FixtureOptions & { vectorSize?: number } = {}): Promise<KeywordFixture> {
  const topics = options.topics ?? 3;
  const images = await writeFixture(ws, { ...options, topics });
  ws.db.exec(DESCRIPTIONS_SCHEMA);
  const rng = new Rng((options.seed ?? 1) + 17);
  const words = [...new Set([...TOPIC_BIGRAMS.flat(), ...FILLER_WORDS, 'kidney', 'stone', 'fracture'])];
  const D = options.vectorSize ?? 8;
  const vectors = new WordVectors(words, Float32Array.from({ length: words.length * D }, () => rng.normal()), D);
  // Where `pacsmine embed` leaves them: its model file (what the stages load) and the word2vec binary.
  const w2vOptions = resolveWord2VecOptions({ vectorSize: D });
  writeModelFile(workspaceModelPath(ws), {
    options: w2vOptions, vocab: vocabularyOf(words, new Float64Array(words.length).fill(10)),
    weights: { syn0: vectors.vectors, syn1: new Float32Array((words.length - 1) * D), syn1neg: new Float32Array(0) },
  });
  saveWord2VecFormat(vectors, workspaceVectorsPath(ws), 'binary');

  const keyOf = ws.db.prepare('SELECT l.key_image_id AS key, k.ref_id AS ref FROM links l JOIN key_images k ON k.id = l.key_image_id WHERE l.sop_instance_uid = ?');
  const setSentence = ws.db.prepare('UPDATE refs SET sentence = ? WHERE id = ?');
  const insertHit = ws.db.prepare("INSERT INTO term_hits (ref_id, sentence_offset, term_id, name, text, start, end, status) VALUES (?, 0, 'DOID:1', ?, ?, 0, 1, 'affirmed')");
  const insertBigram = ws.db.prepare('INSERT INTO image_bigrams (key_image_id, ref_id, word1, word2, target_row) VALUES (?, ?, ?, ?, NULL)');
  const setTopicWords = ws.db.prepare("UPDATE topics SET top_words = ? WHERE level = ? AND label = ?");
  const out: KeywordFixtureImage[] = [];
  const refsDone = new Set<number>();
  ws.db.transaction(() => {
    for (const img of images) {
      const t = Number(img.document);
      const [w1, w2] = TOPIC_BIGRAMS[t % TOPIC_BIGRAMS.length]!;
      const { key, ref } = keyOf.get(img.sop) as { key: number; ref: number };
      const healthy = Number(img.reportId.slice(1)) % 5 === 4;
      const caption = healthy ? 'No abnormality is seen.' : `Known ${w1} ${w2} is seen (image ${out.length + 1}).`;
      if (!refsDone.has(ref)) {
        refsDone.add(ref);
        setSentence.run(caption, ref);
        if (!healthy) insertHit.run(ref, `${w1} ${w2}`, `${w1} ${w2}`);
      }
      if (!healthy) insertBigram.run(key, ref, w1, w2);
      out.push({ ...img, truth: healthy ? [] : [w1, w2], caption });
    }
    // Every topic's candidates hold the fillers and the bigram words of its own and the next topic.
    for (const level of ['document', 'second', 'sentence']) {
      const labels = ws.db.prepare('SELECT label FROM topics WHERE level = ?').pluck().all(level) as string[];
      for (const label of labels) {
        const t = Number.parseInt(label, 10) % TOPIC_BIGRAMS.length;
        const own = TOPIC_BIGRAMS[t]!;
        const next = TOPIC_BIGRAMS[(t + 1) % TOPIC_BIGRAMS.length]!;
        setTopicWords.run(JSON.stringify([...FILLER_WORDS.slice(0, 3), ...next, ...own, ...FILLER_WORDS.slice(3)]), level, label);
      }
    }
  })();
  return { images: out, vectors };
}
