/**
 * Test support; the library never imports it. A small labelled workspace for tests of datasets,
 * training and evaluation, made in a second: cases (reports) with patients, key images linked to
 * PNGs, and topic labels at three levels, written straight into the tables the stages read. Each
 * image shows what its label says (a bright block at the document topic's place, a bar for the
 * second-level sub-topic), so a small network learns it; sentence labels are the document topic
 * plus a coin flip (half learnable).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Workspace } from '../src/store/workspace.js';
import { IMAGES_SCHEMA } from '../src/images/schema.js';
import { TOPICS_SCHEMA } from '../src/topics/schema.js';
import { Rng } from '../src/util/rng.js';

export interface FixtureOptions {
  cases?: number;
  imagesPerCase?: number;
  /** Cases per patient (patient ids tie cases together). Default 2. */
  casesPerPatient?: number;
  /** Document topics; case c gets topic weightsOf(c). Default 3. */
  topics?: number;
  /** Image side. Default 32. */
  size?: number;
  seed?: number;
  /** Relative topic frequencies (imbalance); default equal. */
  topicWeights?: number[];
}

export interface FixtureImage {
  sop: string;
  path: string;
  reportId: string;
  patientId: string;
  document: string;
  second: string;
  sentence: string;
}

/** Pixels of an image of document topic `t` and sub-topic `sub`, with noise. */
function draw(size: number, t: number, topics: number, sub: number, rng: Rng): Buffer {
  const px = Buffer.alloc(size * size);
  for (let i = 0; i < px.length; i++) px[i] = Math.floor(rng.next() * 60);
  // The topic: a block in one of `topics` horizontal bands (left-right mirror keeps it).
  const band = Math.floor(size / topics);
  const y0 = t * band + Math.floor(band / 4);
  for (let y = y0; y < y0 + Math.max(2, Math.floor(band / 2)); y++) for (let x = Math.floor(size / 4); x < Math.floor((3 * size) / 4); x++) px[y * size + x] = 230;
  // The sub-topic: a vertical bar in the middle (sub 1) or none (sub 0).
  if (sub === 1) for (let y = 0; y < size; y++) for (let x = (size >> 1) - 1; x <= size >> 1; x++) px[y * size + x] = 255;
  return px;
}

/** Fills `ws` with the fixture; PNGs go under `ws.dir/artifacts/fixture-png`. */
export async function writeFixture(ws: Workspace, options: FixtureOptions = {}): Promise<FixtureImage[]> {
  const cases = options.cases ?? 30;
  const perCase = options.imagesPerCase ?? 3;
  const perPatient = options.casesPerPatient ?? 2;
  const topics = options.topics ?? 3;
  const size = options.size ?? 32;
  const weights = options.topicWeights ?? Array.from({ length: topics }, () => 1);
  const rng = new Rng(options.seed ?? 1);
  ws.db.exec(IMAGES_SCHEMA);
  ws.db.exec(TOPICS_SCHEMA);
  const dir = path.join(ws.dir, 'artifacts', 'fixture-png');
  mkdirSync(dir, { recursive: true });
  const out: FixtureImage[] = [];
  const pick = (): number => {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = rng.next() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return i;
    return weights.length - 1;
  };
  const insertReport = ws.db.prepare("INSERT INTO reports (report_id, source, patient_id, text, num_sentences, num_tokens, num_refs) VALUES (?, 'fixture', ?, 'text', 1, 1, 1)");
  const insertRef = ws.db.prepare("INSERT INTO refs (report_id, sentence_index, start, end, text, series, instances, sentence) VALUES (?, 0, 0, 0, '', '[]', '[]', 's')");
  const insertKey = ws.db.prepare("INSERT INTO key_images (ref_id, report_id, origin, instance_number) VALUES (?, ?, 'text', ?)");
  const insertImage = ws.db.prepare("INSERT INTO images (sop_instance_uid, patient_id, location, source) VALUES (?, ?, ?, 'file')");
  const insertLink = ws.db.prepare("INSERT INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, 'series-instance')");
  const insertPng = ws.db.prepare("INSERT INTO key_image_png (sop_instance_uid, path, window_center, window_width, window_from, source_rows, source_columns) VALUES (?, ?, 128, 256, 'data', ?, ?)");
  const insertLabel = ws.db.prepare('INSERT INTO topic_labels (key_image_id, level, parent, topic, label, score) VALUES (?, ?, ?, ?, ?, 1)');
  const insertTopic = ws.db.prepare('INSERT OR IGNORE INTO topics (level, parent, topic, label, top_words, num_docs, num_images) VALUES (?, ?, ?, ?, ?, 0, 0)');
  const pngs: Array<Promise<unknown>> = [];
  ws.db.transaction(() => {
    for (let c = 0; c < cases; c++) {
      const reportId = `R${String(c).padStart(3, '0')}`;
      const patientId = `P${Math.floor(c / perPatient)}`;
      const topic = pick();
      insertReport.run(reportId, patientId);
      const refId = Number(insertRef.run(reportId).lastInsertRowid);
      for (let i = 0; i < perCase; i++) {
        const sub = rng.int(2);
        const sop = `1.2.3.${c}.${i}`;
        const file = path.join(dir, `${c}-${i}.png`);
        const keyId = Number(insertKey.run(refId, reportId, i + 1).lastInsertRowid);
        insertImage.run(sop, patientId, file);
        insertLink.run(keyId, sop);
        insertPng.run(sop, file, size, size);
        const labels = { document: String(topic), second: `${topic}.${sub}`, sentence: `${topic}${rng.int(2) ? 'a' : 'b'}` };
        insertLabel.run(keyId, 'document', -1, topic, labels.document);
        insertLabel.run(keyId, 'second', topic, sub, labels.second);
        insertLabel.run(keyId, 'sentence', -1, topic, labels.sentence);
        insertTopic.run('document', -1, topic, labels.document, JSON.stringify([`word${topic}`, 'common']));
        insertTopic.run('second', topic, sub, labels.second, JSON.stringify([`word${topic}`, `sub${sub}`]));
        insertTopic.run('sentence', -1, topic * 2 + (labels.sentence.endsWith('a') ? 0 : 1), labels.sentence, JSON.stringify([`sent${labels.sentence}`]));
        pngs.push(sharp(draw(size, topic, topics, sub, rng), { raw: { width: size, height: size, channels: 1 } }).png().toFile(file));
        out.push({ sop, path: file, reportId, patientId, ...labels });
      }
    }
  })();
  await Promise.all(pngs);
  return out;
}
