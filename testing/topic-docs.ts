/**
 * Test and benchmark support; the library never imports it. A tiny generator of documents from
 * known topics, for ground-truth tests before (and besides) the synthetic archive: `numTopics`
 * topics over distinct vocabularies plus a few shared words; each document has a true category
 * whose topic dominates its mixture.
 */
import { Rng } from '../src/util/rng.js';
import { Workspace } from '../src/store/workspace.js';

export interface GeneratedCorpus {
  docs: { id: string; tokens: string[] }[];
  /** True category of each document. */
  category: Int32Array;
}

export function generateTopicDocs(o: {
  numTopics?: number; numDocs?: number; wordsPerTopic?: number; sharedWords?: number; docLength?: [number, number]; purity?: number; seed?: number;
} = {}): GeneratedCorpus {
  const K = o.numTopics ?? 5;
  const D = o.numDocs ?? 200;
  const W = o.wordsPerTopic ?? 15;
  const S = o.sharedWords ?? 4;
  const [lo, hi] = o.docLength ?? [30, 50];
  const purity = o.purity ?? 0.8;
  const rng = new Rng(o.seed ?? 7);
  const docs: { id: string; tokens: string[] }[] = [];
  const category = new Int32Array(D);
  for (let d = 0; d < D; d++) {
    const c = d % K;
    category[d] = c;
    const n = rng.range(lo, hi);
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < 0.1 && S > 0) tokens.push(`shared${rng.int(S)}`);
      else {
        const k = rng.chance(purity) ? c : rng.int(K);
        // Zipf-like within a topic: low word indices are more frequent.
        const j = Math.min(W - 1, Math.floor(W * rng.next() * rng.next()));
        tokens.push(`top${k}word${j}`);
      }
    }
    docs.push({ id: `doc${d}`, tokens });
  }
  return { docs, category };
}

/**
 * A workspace in `dir` holding reports generated from `numTopics` known categories, each with
 * one key-image reference (its middle third as the sentence) and one or two key images, plus
 * one report with no known word at all. Returns the open workspace and each report's category.
 */
export function topicWorkspace(dir: string, o: { numTopics?: number; numDocs?: number; seed?: number } = {}): { ws: Workspace; category: Map<string, number> } {
  const ws = Workspace.open(dir);
  const gen = generateTopicDocs({ numTopics: o.numTopics ?? 4, numDocs: o.numDocs ?? 120, seed: o.seed ?? 5, docLength: [40, 60] });
  const category = new Map<string, number>();
  const insReport = ws.db.prepare(`INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 3, ?, 1)`);
  const insRef = ws.db.prepare(`INSERT INTO refs (report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence)
    VALUES (?, 1, 0, 1, 'image 3', '[]', '[3]', ?, ?, ?)`);
  const insImage = ws.db.prepare('INSERT INTO key_images (ref_id, report_id, series_number, instance_number) VALUES (?, ?, 1, ?)');
  ws.db.transaction(() => {
    gen.docs.forEach((d, i) => {
      const id = `R${String(i).padStart(4, '0')}`;
      category.set(id, gen.category[i] as number);
      const t = d.tokens;
      const third = Math.floor(t.length / 3);
      insReport.run(id, `${t.join(' ')}.`, t.length);
      const ref = insRef.run(id, t.slice(third, 2 * third).join(' '), t.slice(0, third).join(' '), t.slice(2 * third).join(' '));
      for (let j = 0; j <= i % 2; j++) insImage.run(ref.lastInsertRowid, id, j + 1);
    });
    // One report with no known word at all: it must still get a label ('prior').
    insReport.run('R9999', 'zz qq', 2);
    const ref = insRef.run('R9999', 'zz', null, null);
    insImage.run(ref.lastInsertRowid, 'R9999', 1);
  })();
  return { ws, category };
}
