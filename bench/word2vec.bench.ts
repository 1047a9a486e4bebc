/**
 * word2vec throughput and agreement, side by side with gensim (Debian python3-gensim):
 * skip-gram, hierarchical softmax, window 10, 256 dims, sample 1e-4, 2 workers each, on
 * (1) the Indiana reports resampled to ≥ 10 M words and (2) a larger synthetic corpus.
 * Words per second = in-vocabulary corpus words before sub-sampling per second of training
 * (gensim's "raw words"); vocabulary building is timed for neither. gensim runs twice more:
 * with OPENBLAS_CORETYPE=SkylakeX (the faster kernel is the anchor) and with another seed,
 * for gensim's agreement with itself. Agreement = Spearman correlation of cosine
 * similarities over the same random word pairs.
 *
 * Flags: --words=N (Indiana words, default 10,000,000), --synthetic-words=N (default 12,000,000),
 * --epochs=N (default 1), --skip-synthetic, --quick (for iterating on the trainer: 3 M Indiana
 * words, no synthetic corpus, gensim once with the installed OpenBLAS, no gensim self-agreement
 * run; our 2-worker and 1-worker figures and the agreement with gensim's vocabulary order stay).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finish, peakRssMb, runPythonAnchor } from './lib/report.js';
import { indianaSentences, resample, syntheticCorpus, INDIANA_REPORTS } from '../testing/corpora.js';
import { buildVocabulary, reorderVocabulary } from '../src/embeddings/vocab.js';
import { encodeCorpus } from '../src/embeddings/corpus.js';
import { Word2Vec, type Word2VecOptions, type Word2VecReport } from '../src/embeddings/word2vec.js';
import type { Vocabulary } from '../src/embeddings/vocab.js';
import type { EncodedCorpus } from '../src/embeddings/corpus.js';
import { loadWord2VecFormat } from '../src/embeddings/format.js';
import type { WordVectors } from '../src/embeddings/vectors.js';
import { needsSharedData } from '../testing/requirements.js';
import { Rng } from '../src/util/rng.js';

const args = process.argv.slice(2);
/** `--name=value` (bench/run.ts passes only dashed arguments through). */
function flag(name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : fallback;
}
const QUICK = args.includes('--quick');
const EPOCHS = flag('epochs', 1);
const WORKERS = 2;

const GENSIM = `
import sys, json, time
from gensim.models import Word2Vec
corpus, workers, seed, out, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
with open(corpus) as f:
    sentences = [line.split() for line in f]
model = Word2Vec(vector_size=256, window=10, min_count=5, sg=1, hs=1, negative=0, sample=1e-4,
                 workers=workers, seed=seed, epochs=epochs)
model.build_vocab(sentences)
t = time.time()
effective, raw = model.train(sentences, total_examples=model.corpus_count, epochs=epochs)
seconds = time.time() - t
model.wv.save_word2vec_format(out, binary=True)
try:
    from threadpoolctl import threadpool_info
    blas = ",".join(str(i.get("architecture")) for i in threadpool_info() if i.get("user_api") == "blas")
except Exception as e:
    blas = "unknown (" + str(e) + ")"
print(json.dumps({"raw_words": raw, "effective_words": effective, "seconds": seconds, "words_per_s": raw / seconds,
                  "vocabulary": len(model.wv), "blas": blas}))
`;

function spearman(a: Float64Array, b: Float64Array): number {
  const rank = (x: Float64Array): Float64Array => {
    const order = [...x.keys()].sort((i, j) => (x[i] as number) - (x[j] as number));
    const r = new Float64Array(x.length);
    for (let k = 0; k < order.length; ) {
      let e = k;
      while (e + 1 < order.length && x[order[e + 1] as number] === x[order[k] as number]) e++;
      for (let m = k; m <= e; m++) r[order[m] as number] = (k + e) / 2;
      k = e + 1;
    }
    return r;
  };
  const ra = rank(a), rb = rank(b);
  const n = a.length;
  const mean = (n - 1) / 2;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - mean, db = (rb[i] as number) - mean;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

/** Spearman correlation of cosine similarities of the same random pairs of shared words. */
function agreement(x: WordVectors, y: WordVectors, seed = 11, numPairs = 20000): number {
  const shared = x.words.filter((w) => y.has(w));
  const rng = new Rng(seed);
  const sx = new Float64Array(numPairs), sy = new Float64Array(numPairs);
  for (let p = 0; p < numPairs; p++) {
    const a = shared[rng.int(shared.length)] as string;
    let b = shared[rng.int(shared.length)] as string;
    while (b === a) b = shared[rng.int(shared.length)] as string;
    sx[p] = x.similarity(a, b);
    sy[p] = y.similarity(a, b);
  }
  return spearman(sx, sy);
}

interface CorpusResult {
  corpus: string;
  words: number;
  vocabulary: number;
  words_per_s: number;
  words_per_s_1_worker?: number;
  gensim_words_per_s?: number;
  gensim_default_words_per_s?: number;
  gensim_default_blas?: string;
  gensim_skylakex_words_per_s?: number;
  gensim_skylakex_blas?: string;
  ratio?: number;
  /** Ours trained on gensim's vocabulary order (same Huffman tree) vs gensim. */
  agreement?: number;
  /** Ours with its own order of equal-count words (a different Huffman tree) vs gensim. */
  agreement_own_vocabulary_order?: number;
  /** --quick only: ours with one thread, gensim's vocabulary order, vs gensim. */
  agreement_1_worker?: number;
  gensim_self_agreement?: number;
}

/** A new model trained on a vocabulary and corpus built once. */
async function trainEncoded(vocab: Vocabulary, corpus: EncodedCorpus, opts: Word2VecOptions): Promise<{ vectors: WordVectors; report: Word2VecReport }> {
  const model = new Word2Vec(opts);
  const report = await model.trainEncoded(vocab, corpus);
  return { vectors: model.wv, report };
}

async function benchCorpus(name: string, sentences: string[][], dir: string, withSelfAgreement: boolean, withOneWorker: boolean): Promise<CorpusResult> {
  const file = path.join(dir, `${name}.txt`);
  writeFileSync(file, sentences.map((s) => s.join(' ')).join('\n') + '\n');
  const opts: Word2VecOptions = { epochs: EPOCHS, workers: WORKERS, seed: 1 };
  const vocab = buildVocabulary(sentences, new Word2Vec(opts).options.minCount);
  const corpus = encodeCorpus(sentences, vocab);
  const words = sentences.reduce((s, x) => s + x.length, 0);
  process.stdout.write(`${name}: ${words} words, ${vocab.words.length}-word vocabulary, ${EPOCHS} epoch(s)\n`);

  const ours = await trainEncoded(vocab, corpus, opts);
  process.stdout.write(`  pacsmine (${ours.report.kernel}, ${WORKERS} workers): ${Math.round(ours.report.wordsPerSecond)} raw words/s (${ours.report.trainSeconds.toFixed(1)} s)\n`);
  const result: CorpusResult = { corpus: name, words, vocabulary: vocab.words.length, words_per_s: Math.round(ours.report.wordsPerSecond) };
  if (withOneWorker) {
    const one = await trainEncoded(vocab, corpus, { ...opts, workers: 0 });
    result.words_per_s_1_worker = Math.round(one.report.wordsPerSecond);
    process.stdout.write(`  pacsmine (${one.report.kernel}, 1 worker): ${result.words_per_s_1_worker} raw words/s\n`);
  }

  const runGensim = (seed: number, env: Record<string, string>, out: string): Record<string, unknown> | undefined =>
    runPythonAnchor(GENSIM, [file, String(WORKERS), String(seed), out, String(EPOCHS)], env);
  const gDefault = runGensim(1, {}, path.join(dir, `${name}.gensim1.bin`));
  if (!gDefault) {
    process.stdout.write('  gensim: not available (/usr/bin/python3 with gensim)\n');
    return result;
  }
  const gSky = QUICK ? undefined : runGensim(1, { OPENBLAS_CORETYPE: 'SkylakeX' }, path.join(dir, `${name}.gensim1sky.bin`));
  result.gensim_default_words_per_s = Math.round(gDefault['words_per_s'] as number);
  result.gensim_default_blas = String(gDefault['blas']);
  process.stdout.write(`  gensim (${WORKERS} workers, OpenBLAS ${result.gensim_default_blas}): ${result.gensim_default_words_per_s} raw words/s\n`);
  if (gSky) {
    result.gensim_skylakex_words_per_s = Math.round(gSky['words_per_s'] as number);
    result.gensim_skylakex_blas = String(gSky['blas']);
    process.stdout.write(`  gensim (${WORKERS} workers, OPENBLAS_CORETYPE=SkylakeX -> ${result.gensim_skylakex_blas}): ${result.gensim_skylakex_words_per_s} raw words/s\n`);
  }
  result.gensim_words_per_s = Math.max(result.gensim_default_words_per_s, result.gensim_skylakex_words_per_s ?? 0);
  result.ratio = Math.round((result.words_per_s / result.gensim_words_per_s) * 1000) / 1000;
  const gensimVectors = loadWord2VecFormat(path.join(dir, `${name}.gensim1.bin`), 'binary');
  if (!QUICK) {
    result.agreement_own_vocabulary_order = Math.round(agreement(ours.vectors, gensimVectors) * 10000) / 10000;
    process.stdout.write(`  agreement pacsmine vs gensim (our order of equal-count words): ${result.agreement_own_vocabulary_order}\n`);
  }
  // Equal-count words are ordered arbitrarily (gensim: numpy's unstable argsort), and the order
  // shapes the Huffman tree, i.e. the objective. Train once more on gensim's order to compare
  // the trainers rather than the tie-breaks.
  try {
    const same = reorderVocabulary(vocab, gensimVectors.words);
    const oursSame = await trainEncoded(same, encodeCorpus(sentences, same), opts);
    result.agreement = Math.round(agreement(oursSame.vectors, gensimVectors) * 10000) / 10000;
    process.stdout.write(`  agreement pacsmine vs gensim (gensim's vocabulary order): ${result.agreement}\n`);
    if (QUICK) {
      // Diagnostic: the same with one thread (no Hogwild), to tell threading effects from the rest.
      const oneSame = await trainEncoded(same, encodeCorpus(sentences, same), { ...opts, workers: 0 });
      result.agreement_1_worker = Math.round(agreement(oneSame.vectors, gensimVectors) * 10000) / 10000;
      process.stdout.write(`  agreement pacsmine 1 worker vs gensim (gensim's vocabulary order): ${result.agreement_1_worker}\n`);
    }
  } catch (e) {
    process.stdout.write(`  gensim's vocabulary differs from ours (${(e as Error).message}); agreement uses our order\n`);
    result.agreement = result.agreement_own_vocabulary_order;
  }
  if (withSelfAgreement) {
    const g2 = runGensim(2, gSky && (gSky['words_per_s'] as number) > (gDefault['words_per_s'] as number) ? { OPENBLAS_CORETYPE: 'SkylakeX' } : {}, path.join(dir, `${name}.gensim2.bin`));
    if (g2) {
      result.gensim_self_agreement = Math.round(agreement(gensimVectors, loadWord2VecFormat(path.join(dir, `${name}.gensim2.bin`), 'binary')) * 10000) / 10000;
      process.stdout.write(`  agreement gensim seed 1 vs seed 2: ${result.gensim_self_agreement}\n`);
    }
  }
  return result;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-bench-'));
try {
  process.stdout.write(`note: timings on a shared machine are noisy; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  const results: CorpusResult[] = [];
  if (!needsSharedData(INDIANA_REPORTS)) {
    results.push(await benchCorpus('indiana', resample(indianaSentences(), flag('words', QUICK ? 3_000_000 : 10_000_000), 1), dir, !QUICK, true));
  } else {
    process.stdout.write('indiana: skipped (needs ../shared/data/iu-xray/indiana_reports.csv)\n');
  }
  if (!QUICK && !args.includes('--skip-synthetic')) {
    results.push(await benchCorpus('synthetic', syntheticCorpus(flag('synthetic-words', 12_000_000), { vocabulary: 20000, numTopics: 50, sharedFraction: 0.5 }), dir, false, false));
  }
  const main = results[0] as CorpusResult;
  finish({
    bench: 'word2vec',
    words: main.words,
    words_per_s: main.words_per_s,
    gensim_words_per_s: main.gensim_words_per_s ?? null,
    agreement: main.agreement ?? null,
    gensim_self_agreement: main.gensim_self_agreement ?? null,
    ratio: main.ratio ?? null,
    corpus: main.corpus,
    epochs: EPOCHS,
    workers: WORKERS,
    words_per_s_1_worker: main.words_per_s_1_worker ?? null,
    quick: QUICK,
    details: results,
    peak_rss_mb: peakRssMb(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
