/**
 * `npm run bench -- lda`: our SparseLDA trainer against gensim LdaMulticore (workers=2,
 * passes=10) and scikit-learn LatentDirichletAllocation (batch, max_iter=10, n_jobs=2) at
 * K=80, on the same prepared corpus and 80/20 split. Every model's held-out perplexity is
 * computed by OUR one estimator (document completion) on the same held-out documents: Python
 * hands back its normalised topic-word matrix as raw float64. The anchors run twice (default
 * OpenBLAS and OPENBLAS_CORETYPE=SkylakeX) and the faster run is compared against.
 *
 * Corpora: Indiana (findings + impression, the authors' rules) and Indiana resampled 30x
 * (training documents drawn with replacement from the Indiana training split; the held-out
 * documents stay Indiana's). On the large corpus each anchor runs only with the OpenBLAS core
 * type that was faster for it on Indiana (gensim alone takes minutes there). Then time per iteration and peak memory on 100,000 synthetic
 * documents (in a child process, so that the peak is its own).
 *
 * Flags: --corpora indiana,x30 (default both), --iterations N (ours, default 300),
 * --coretypes default,SkylakeX (which OpenBLAS core types the anchors run with), --skip-anchors,
 * --synthetic-only, --no-synthetic.
 */
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { finish, peakRssMb, runPythonAnchor } from './lib/report.js';
import { sharedDataDir } from '../testing/requirements.js';
import { buildCorpus, docTokens, subsetCorpus, type Corpus } from '../src/topics/corpus.js';
import { splitDocuments } from '../src/topics/select.js';
import { LdaTrainer } from '../src/topics/trainer.js';
import { LdaModel } from '../src/topics/model.js';
import { heldOutPerplexity } from '../src/topics/perplexity.js';
import { generateTopicDocs } from '../testing/topic-docs.js';
import { Rng } from '../src/util/rng.js';

const K = 80;
const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const ITER = Number(flag('--iterations') ?? 300);
const WORKERS = Math.min(2, os.availableParallelism());
const EVAL = { iterations: 50, burnIn: 10, seed: 1 };

const ANCHOR = String.raw`
import sys, json, time
import numpy as np
which, docs_file, V, K, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
docs = [np.array(l.split(), dtype=np.int64) for l in open(docs_file) if l.strip()]
if which == 'gensim':
    from gensim.models import LdaMulticore
    bows = [list(zip(*np.unique(d, return_counts=True))) for d in docs]
    bows = [[(int(w), int(c)) for w, c in b] for b in bows]
    id2word = {i: str(i) for i in range(V)}
    t0 = time.perf_counter()
    m = LdaMulticore(bows, num_topics=K, id2word=id2word, workers=2, passes=10, random_state=1)
    secs = time.perf_counter() - t0
    phi = m.get_topics().astype(np.float64)
    alpha = np.asarray(m.alpha, dtype=np.float64)
else:
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import LatentDirichletAllocation
    rows = np.concatenate([np.full(len(d), i) for i, d in enumerate(docs)])
    cols = np.concatenate(docs)
    X = csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(docs), V))
    X.sum_duplicates()
    t0 = time.perf_counter()
    m = LatentDirichletAllocation(n_components=K, learning_method='batch', max_iter=10, n_jobs=2, random_state=1).fit(X)
    secs = time.perf_counter() - t0
    phi = m.components_ / m.components_.sum(axis=1, keepdims=True)
    alpha = np.full(K, m.doc_topic_prior_ if m.doc_topic_prior_ is not None else 1.0 / K)
phi.astype(np.float64).tofile(out)
alpha.astype(np.float64).tofile(out + '.alpha')
print(json.dumps({'seconds': secs}))
`;

function readF64(file: string): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

interface AnchorResult { seconds: number; perplexity: number; coretype: string }

function runAnchor(which: 'gensim' | 'sklearn', train: Corpus, test: Corpus, dir: string, coretypes: string[]): AnchorResult | undefined {
  const docsFile = path.join(dir, 'train.txt');
  const lines: string[] = [];
  for (let d = 0; d < train.docIds.length; d++) lines.push(Array.from(docTokens(train, d)).join(' '));
  writeFileSync(docsFile, `${lines.join('\n')}\n`);
  let best: AnchorResult | undefined;
  for (const coretype of coretypes) {
    const out = path.join(dir, `${which}-${coretype}.phi`);
    const env: Record<string, string> = coretype === 'default' ? {} : { OPENBLAS_CORETYPE: coretype };
    const r = runPythonAnchor(ANCHOR, [which, docsFile, String(train.vocab.length), String(K), out], env);
    if (!r) continue;
    const phi = readF64(out);
    const alpha = readF64(`${out}.alpha`);
    const ppl = heldOutPerplexity(phi, K, alpha, test, EVAL).perplexity;
    const seconds = r['seconds'] as number;
    process.stdout.write(`  ${which} (OpenBLAS ${coretype}): ${seconds.toFixed(1)} s, held-out perplexity ${ppl.toFixed(1)}\n`);
    if (!best || seconds < best.seconds) best = { seconds, perplexity: ppl, coretype };
  }
  return best;
}

async function runOurs(train: Corpus, test: Corpus, everyIters: number): Promise<{ seconds: number; perplexity: number; curve: [number, number, number][]; msPerIter: number }> {
  const t = await LdaTrainer.create(train, { numTopics: K, seed: 1, workers: WORKERS });
  const curve: [number, number, number][] = [];
  let seconds = 0;
  try {
    while (t.iteration < ITER) {
      const t0 = performance.now();
      await t.run(Math.min(everyIters, ITER - t.iteration));
      seconds += (performance.now() - t0) / 1000;
      // Evaluation time is not training time: the clock is stopped here.
      const m = LdaModel.fromTrained(t.options, t.trained());
      const ppl = heldOutPerplexity(m.phi(), K, m.alpha, test, EVAL).perplexity;
      curve.push([t.iteration, Number(seconds.toFixed(3)), Number(ppl.toFixed(2))]);
    }
  } finally {
    await t.close();
  }
  const last = curve[curve.length - 1] as [number, number, number];
  return { seconds, perplexity: last[2], curve, msPerIter: (1000 * seconds) / ITER };
}

function resample(c: Corpus, times: number, seed: number): Corpus {
  const rng = new Rng(seed);
  const n = c.docIds.length * times;
  const pick = new Uint32Array(n);
  for (let i = 0; i < n; i++) pick[i] = rng.int(c.docIds.length);
  const s = subsetCorpus(c, pick);
  return { ...s, docIds: s.docIds.map((id, i) => `${id}#${i}`) };
}

/** OpenBLAS core type that was faster per anchor on the first corpus (the large corpus runs only that one). */
const fasterCoretype: Record<string, string> = {};

async function benchCorpus(name: string, train: Corpus, test: Corpus, skipAnchors: boolean): Promise<Record<string, unknown>> {
  const tokens = train.tokens.length;
  process.stdout.write(`corpus ${name}: ${train.docIds.length} training docs, ${tokens} tokens, ${train.vocab.length} terms; held out ${test.docIds.length} docs\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lda-bench-'));
  try {
    const forced = flag('--coretypes')?.split(',');
    const coretypes = (which: string) => forced ?? (fasterCoretype[which] ? [fasterCoretype[which] as string] : ['default', 'SkylakeX']);
    const gensim = skipAnchors ? undefined : runAnchor('gensim', train, test, dir, coretypes('gensim'));
    const sklearn = skipAnchors ? undefined : runAnchor('sklearn', train, test, dir, coretypes('sklearn'));
    if (gensim) fasterCoretype['gensim'] = gensim.coretype;
    if (sklearn) fasterCoretype['sklearn'] = sklearn.coretype;
    const ours = await runOurs(train, test, 10);
    process.stdout.write(`  ours (SparseLDA, ${WORKERS} workers): ${ours.seconds.toFixed(2)} s for ${ITER} iterations (${ours.msPerIter.toFixed(1)} ms/iteration), perplexity ${ours.perplexity}\n`);
    process.stdout.write(`  curve [iteration, seconds, perplexity]: ${JSON.stringify(ours.curve)}\n`);
    const anchors = [gensim, sklearn].filter((a): a is AnchorResult => a !== undefined);
    const target = anchors.length ? Math.min(...anchors.map((a) => a.perplexity)) : undefined;
    const bestAnchorSeconds = anchors.length ? anchors.reduce((b, a) => (a.perplexity < b.perplexity ? a : b)).seconds : undefined;
    const reached = target === undefined ? undefined : ours.curve.find((p) => p[2] <= target);
    const r: Record<string, unknown> = {
      bench: 'lda', corpus: name, k: K, tokens, seconds: Number(ours.seconds.toFixed(2)), perplexity: ours.perplexity,
      seconds_to_anchor_perplexity: reached ? reached[1] : null,
      gensim_seconds: gensim ? Number(gensim.seconds.toFixed(2)) : null, gensim_perplexity: gensim ? Number(gensim.perplexity.toFixed(2)) : null,
      sklearn_seconds: sklearn ? Number(sklearn.seconds.toFixed(2)) : null, sklearn_perplexity: sklearn ? Number(sklearn.perplexity.toFixed(2)) : null,
      iterations: ITER, ms_per_iteration: Number(ours.msPerIter.toFixed(2)), workers: WORKERS,
      anchor_openblas: { gensim: gensim?.coretype ?? null, sklearn: sklearn?.coretype ?? null },
      speedup_to_best_anchor_perplexity: reached && bestAnchorSeconds ? Number((bestAnchorSeconds / reached[1]).toFixed(2)) : null,
      estimator: 'document-completion',
    };
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function synthetic(): Promise<void> {
  const gen = generateTopicDocs({ numTopics: 50, numDocs: 100_000, wordsPerTopic: 200, sharedWords: 20, docLength: [20, 60], seed: 3 });
  const corpus = buildCorpus(gen.docs, { minDocFreq: 3, dropTopN: 0, minDocLength: 5 });
  gen.docs.length = 0;
  const t = await LdaTrainer.create(corpus, { numTopics: K, seed: 1, workers: WORKERS });
  // SparseLDA gets faster as words concentrate in few topics: report the first 10 iterations and iterations 21-30.
  const timeIters = async (n: number) => { const t0 = performance.now(); await t.run(n); return (performance.now() - t0) / n; };
  const first = await timeIters(10);
  await t.run(10);
  const later = await timeIters(10);
  await t.close();
  finish({
    bench: 'lda', corpus: 'synthetic-100k', k: K, docs: corpus.docIds.length, tokens: corpus.tokens.length, terms: corpus.vocab.length,
    ms_per_iteration_first10: Number(first.toFixed(1)), ms_per_iteration_21to30: Number(later.toFixed(1)), peak_rss_mb: peakRssMb(), workers: WORKERS,
  });
}

async function main(): Promise<void> {
  if (args.includes('--synthetic-only')) return synthetic();
  const skipAnchors = args.includes('--skip-anchors');
  const wanted = (flag('--corpora') ?? 'indiana,x30').split(',');
  const csv = path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv');
  if (!existsSync(csv)) {
    process.stderr.write(`lda bench: ${csv} not found (set PACSMINE_SHARED_DATA to the shared data folder)\n`);
    process.exit(2);
  }
  const rows = parse(readFileSync(csv), { columns: true }) as { uid: string; findings: string; impression: string }[];
  const corpus = buildCorpus(rows.map((r) => ({ id: r.uid, text: `${r.findings} ${r.impression}` })));
  process.stdout.write(`Indiana prepared: ${corpus.docIds.length} docs, ${corpus.tokens.length} tokens, ${corpus.vocab.length} terms (issue: about 3,781 / 84,399 / 1,090)\n`);
  const { train, test } = splitDocuments(corpus.docIds.length, 0.2, 1);
  const trainC = subsetCorpus(corpus, train);
  const testC = subsetCorpus(corpus, test);
  // Each corpus's JSON line is printed as soon as it is measured (the large one takes many minutes).
  if (wanted.includes('indiana')) process.stdout.write(`${JSON.stringify(await benchCorpus('indiana', trainC, testC, skipAnchors))}\n`);
  if (wanted.includes('x30')) process.stdout.write(`${JSON.stringify(await benchCorpus('indiana-x30', resample(trainC, 30, 7), testC, skipAnchors))}\n`);
  if (args.includes('--no-synthetic')) return;
  // 100,000 synthetic documents in a child process: its peak memory is its own.
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [self, '--synthetic-only'], { encoding: 'utf8' });
  if (child.status !== 0) process.stderr.write(child.stderr);
  process.stdout.write(child.stdout);
}

await main();
