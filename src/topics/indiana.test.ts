import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { buildCorpus } from './corpus.js';
import { sweepTopics } from './select.js';
import type { TopicWords } from './model.js';

const CSV = 'iu-xray/indiana_reports.csv';

test('Indiana reports: the authors\' preparation and a short K sweep with perplexity, coherence and top words', { skip: needsSharedData(CSV) }, async () => {
  const rows = parse(readFileSync(path.join(sharedDataDir, CSV)), { columns: true }) as { uid: string; findings: string; impression: string }[];
  assert.equal(rows.length, 3851);
  const corpus = buildCorpus(rows.map((r) => ({ id: r.uid, text: `${r.findings} ${r.impression}` })));
  // The issue's reference counts for the authors' rules.
  assert.equal(corpus.docIds.length, 3781);
  assert.equal(corpus.tokens.length, 84399);
  assert.equal(corpus.vocab.length, 1090);
  assert.equal(corpus.dropped.emptyDocs + corpus.dropped.shortDocs, 70);
  const tops: TopicWords[][] = [];
  const sweep = await sweepTopics(corpus, [5, 20], { iterations: 40, seed: 1, onPoint: (_p, m) => tops.push(m.topWords(10)) });
  assert.equal(sweep.points.length, 2);
  for (const p of sweep.points) {
    assert.ok(p.perplexity > 20 && p.perplexity < 1090, `perplexity ${p.perplexity} at K=${p.k} is between a perfect and a uniform model`);
    assert.ok(p.npmi > -1 && p.npmi < 1 && p.umass < 0);
  }
  assert.ok((sweep.points[1]?.perplexity as number) < (sweep.points[0]?.perplexity as number), 'K=20 beats K=5 on held-out documents');
  assert.ok([5, 20].includes(sweep.chosenK));
  assert.equal(tops[1]?.length, 20);
  assert.ok(tops[1]?.every((t) => t.words.length === 10));
});
