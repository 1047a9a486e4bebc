/**
 * SparseLDA collapsed Gibbs sampling (Yao, Mimno & McCallum, KDD 2009): the conditional
 *   p(z=k | rest) ∝ (α_k + n_dk)(β + n_wk) / (Vβ + n_k)
 * splits into a smoothing bucket s = Σ α_k β/(Vβ+n_k), a document bucket
 * r = Σ_{n_dk>0} n_dk β/(Vβ+n_k) and a word bucket q = Σ_{n_wk>0} (α_k+n_dk) n_wk/(Vβ+n_k),
 * with the coefficient (α_k+n_dk)/(Vβ+n_k) cached per topic. Most of the mass is in q, which
 * only visits the topics that the word is actually in, so a token costs O(topics of its word),
 * not O(K).
 *
 * Everything is pure functions over typed arrays (no allocation per token), so the same code
 * runs in-process (one worker) and inside worker_threads over SharedArrayBuffers.
 *
 * Word-topic counts are stored MALLET-style, sparsely: word w owns min(K, freq_w) slots holding
 * (topic, count) pairs kept sorted by count descending, then topic ascending, zeros last. The
 * order is a function of the counts alone, so every worker's copy is identical whatever order
 * it applied updates in — that is what makes multi-worker runs reproducible too. Memory is at
 * most one slot per token, never V×K or D×K.
 */
import { Rng } from '../util/rng.js';

/** Sparse word-topic counts plus topic totals. */
export interface WordTopicCounts {
  K: number;
  V: number;
  /** Word w's slots are [wtOffsets[w], wtOffsets[w+1]). */
  wtOffsets: Uint32Array;
  wtTopics: Uint16Array;
  wtCounts: Uint32Array;
  /** Tokens per topic. */
  nk: Int32Array;
}

/** The corpus and the assignments a sampler works on. `z` may live in shared memory. */
export interface SamplerState {
  K: number;
  V: number;
  tokens: Uint32Array;
  docOffsets: Uint32Array;
  /** Topic of every token. */
  z: Uint16Array;
  /** Per-topic Dirichlet prior on θ (length K). */
  alpha: Float64Array;
  beta: number;
}

/** Per-worker scratch of size K: the only dense per-document memory. */
export interface SamplerScratch {
  ndk: Int32Array;
  docTopics: Uint16Array;
  coef: Float64Array;
  qcache: Float64Array;
}

export const MAX_TOPICS = 65535;

export function createScratch(K: number): SamplerScratch {
  return { ndk: new Int32Array(K), docTopics: new Uint16Array(K), coef: new Float64Array(K), qcache: new Float64Array(K) };
}

/** Slot offsets: word w gets min(K, freq_w) slots. */
export function wordTopicOffsets(tokens: Uint32Array, V: number, K: number): Uint32Array {
  const freq = new Uint32Array(V);
  for (let i = 0; i < tokens.length; i++) freq[tokens[i] as number]++;
  const off = new Uint32Array(V + 1);
  for (let w = 0; w < V; w++) off[w + 1] = (off[w] as number) + Math.min(K, freq[w] as number);
  return off;
}

/**
 * Allocates empty counts. `shared` puts the arrays in SharedArrayBuffers, so that the main
 * thread can read a worker's copy.
 */
export function allocateCounts(tokens: Uint32Array, V: number, K: number, shared = false): WordTopicCounts {
  const wtOffsets = wordTopicOffsets(tokens, V, K);
  const slots = wtOffsets[V] as number;
  const mk = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    K,
    V,
    wtOffsets,
    wtTopics: new Uint16Array(mk(slots * 2)),
    wtCounts: new Uint32Array(mk(slots * 4)),
    nk: new Int32Array(mk(K * 4)),
  };
}

/** Adds one token of word w to topic k, keeping the slots in canonical order. */
export function incrementWordTopic(c: WordTopicCounts, w: number, k: number): void {
  const { wtTopics: tp, wtCounts: ct } = c;
  const off = c.wtOffsets[w] as number;
  const cap = c.wtOffsets[w + 1] as number;
  let i = off;
  while (i < cap && (ct[i] as number) > 0 && tp[i] !== k) i++;
  if (i === cap) throw new Error(`word-topic slots of word ${w} overflow: counts are inconsistent with the corpus`);
  if (ct[i] === 0) tp[i] = k;
  ct[i] = (ct[i] as number) + 1;
  // Bubble towards the front past smaller counts (and equal counts of larger topic ids).
  while (i > off) {
    const pc = ct[i - 1] as number;
    const cc = ct[i] as number;
    if (pc < cc || (pc === cc && (tp[i - 1] as number) > (tp[i] as number))) {
      ct[i - 1] = cc; ct[i] = pc;
      const t = tp[i - 1] as number; tp[i - 1] = tp[i] as number; tp[i] = t;
      i--;
    } else break;
  }
}

/** Removes one token of word w from topic k. */
export function decrementWordTopic(c: WordTopicCounts, w: number, k: number): void {
  const { wtTopics: tp, wtCounts: ct } = c;
  const off = c.wtOffsets[w] as number;
  const cap = c.wtOffsets[w + 1] as number;
  let i = off;
  while (i < cap && (ct[i] as number) > 0 && tp[i] !== k) i++;
  if (i === cap || ct[i] === 0) throw new Error(`word ${w} has no token in topic ${k}: counts are inconsistent`);
  const cc = (ct[i] as number) - 1;
  ct[i] = cc;
  // Bubble towards the back past larger counts (and equal non-zero counts of smaller topic ids).
  while (i + 1 < cap) {
    const nc = ct[i + 1] as number;
    if (nc > cc || (nc === cc && nc > 0 && (tp[i + 1] as number) < (tp[i] as number))) {
      ct[i + 1] = cc; ct[i] = nc;
      const t = tp[i + 1] as number; tp[i + 1] = tp[i] as number; tp[i] = t;
      i++;
    } else break;
  }
}

/**
 * Sets the topic of every empty slot to 0. Sampling never reads an empty slot's topic, so it is
 * whatever an earlier count left there; clearing it makes the arrays a function of the counts
 * alone (a saved model is the same bytes whether its run was resumed or not).
 */
export function clearEmptySlots(wtTopics: Uint16Array, wtCounts: Uint32Array): void {
  for (let i = 0; i < wtCounts.length; i++) if (wtCounts[i] === 0) wtTopics[i] = 0;
}

/** Count of word w in topic k (a scan of w's slots; for tests and phi). */
export function wordTopicCount(c: WordTopicCounts, w: number, k: number): number {
  for (let i = c.wtOffsets[w] as number, cap = c.wtOffsets[w + 1] as number; i < cap && (c.wtCounts[i] as number) > 0; i++) {
    if (c.wtTopics[i] === k) return c.wtCounts[i] as number;
  }
  return 0;
}

/** Adds tokens [start, end) with their assignments to the counts. */
export function addTokens(c: WordTopicCounts, tokens: Uint32Array, z: Uint16Array, start = 0, end = tokens.length): void {
  for (let i = start; i < end; i++) {
    const k = z[i] as number;
    incrementWordTopic(c, tokens[i] as number, k);
    c.nk[k] = (c.nk[k] as number) + 1;
  }
}

/** Uniform random initial assignments (one draw per token, in token order). */
export function randomAssignments(z: Uint16Array, K: number, rng: Rng): void {
  for (let i = 0; i < z.length; i++) z[i] = rng.int(K);
}

/**
 * One Gibbs sweep over documents [d0, d1). Updates z and the counts in place; returns the
 * number of tokens whose topic changed.
 */
export function sweep(st: SamplerState, c: WordTopicCounts, sc: SamplerScratch, rng: Rng, d0: number, d1: number): number {
  const { K, tokens, docOffsets, z, alpha, beta } = st;
  const betaSum = beta * st.V;
  const { wtOffsets, wtTopics, wtCounts, nk } = c;
  const { ndk, docTopics, coef, qcache } = sc;
  let sMass = 0;
  for (let k = 0; k < K; k++) {
    const denom = (nk[k] as number) + betaSum;
    sMass += ((alpha[k] as number) * beta) / denom;
    coef[k] = (alpha[k] as number) / denom;
  }
  let changed = 0;
  for (let d = d0; d < d1; d++) {
    const start = docOffsets[d] as number;
    const end = docOffsets[d + 1] as number;
    let nDT = 0;
    for (let i = start; i < end; i++) {
      const k = z[i] as number;
      if (ndk[k] === 0) docTopics[nDT++] = k;
      ndk[k] = (ndk[k] as number) + 1;
    }
    let rMass = 0;
    for (let j = 0; j < nDT; j++) {
      const k = docTopics[j] as number;
      const denom = (nk[k] as number) + betaSum;
      rMass += ((ndk[k] as number) * beta) / denom;
      coef[k] = ((alpha[k] as number) + (ndk[k] as number)) / denom;
    }
    for (let i = start; i < end; i++) {
      const w = tokens[i] as number;
      const old = z[i] as number;
      // Take the token out.
      let denom = (nk[old] as number) + betaSum;
      sMass -= ((alpha[old] as number) * beta) / denom;
      rMass -= ((ndk[old] as number) * beta) / denom;
      ndk[old] = (ndk[old] as number) - 1;
      nk[old] = (nk[old] as number) - 1;
      denom -= 1;
      sMass += ((alpha[old] as number) * beta) / denom;
      rMass += ((ndk[old] as number) * beta) / denom;
      coef[old] = ((alpha[old] as number) + (ndk[old] as number)) / denom;
      if (ndk[old] === 0) {
        let j = 0;
        while (docTopics[j] !== old) j++;
        docTopics[j] = docTopics[--nDT] as number;
      }

      // Word bucket over the word's non-zero topics. The token's own count is left out on the
      // fly instead of in the slots: most tokens keep their topic, and then the slots are
      // never touched (no scan, no bubbling).
      const off = wtOffsets[w] as number;
      const cap = wtOffsets[w + 1] as number;
      let qMass = 0;
      let j = off;
      for (; j < cap; j++) {
        const raw = wtCounts[j] as number;
        if (raw === 0) break;
        const k = wtTopics[j] as number;
        const v = (coef[k] as number) * (k === old ? raw - 1 : raw);
        qcache[j - off] = v;
        qMass += v;
      }
      const nq = j - off;
      let u = rng.next() * (sMass + rMass + qMass);
      let nt = -1;
      if (u < qMass) {
        for (let t = 0; t < nq; t++) {
          u -= qcache[t] as number;
          if (u <= 0) { nt = wtTopics[off + t] as number; break; }
        }
        if (nt < 0) nt = wtTopics[off + nq - 1] as number;
      } else {
        u -= qMass;
        if (u < rMass && nDT > 0) {
          for (let t = 0; t < nDT; t++) {
            const k = docTopics[t] as number;
            u -= ((ndk[k] as number) * beta) / ((nk[k] as number) + betaSum);
            if (u <= 0) { nt = k; break; }
          }
          if (nt < 0) nt = docTopics[nDT - 1] as number;
        } else {
          u -= rMass;
          for (let k = 0; k < K; k++) {
            u -= ((alpha[k] as number) * beta) / ((nk[k] as number) + betaSum);
            if (u <= 0) { nt = k; break; }
          }
          if (nt < 0) nt = K - 1;
        }
      }

      // Put it back in the new topic.
      denom = (nk[nt] as number) + betaSum;
      sMass -= ((alpha[nt] as number) * beta) / denom;
      rMass -= ((ndk[nt] as number) * beta) / denom;
      if (ndk[nt] === 0) docTopics[nDT++] = nt;
      ndk[nt] = (ndk[nt] as number) + 1;
      nk[nt] = (nk[nt] as number) + 1;
      denom += 1;
      sMass += ((alpha[nt] as number) * beta) / denom;
      rMass += ((ndk[nt] as number) * beta) / denom;
      coef[nt] = ((alpha[nt] as number) + (ndk[nt] as number)) / denom;
      if (nt !== old) {
        decrementWordTopic(c, w, old);
        incrementWordTopic(c, w, nt);
        z[i] = nt;
        changed++;
      }
    }
    // Leave the document: its topics fall back to the smoothing-only coefficient.
    for (let t = 0; t < nDT; t++) {
      const k = docTopics[t] as number;
      ndk[k] = 0;
      coef[k] = (alpha[k] as number) / ((nk[k] as number) + betaSum);
    }
  }
  return changed;
}

/**
 * Applies another worker's changes to this worker's copy of the counts: every token in
 * [start, end) whose topic moved from zPrev to z.
 */
export function applyChanges(c: WordTopicCounts, tokens: Uint32Array, z: Uint16Array, zPrev: Uint16Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const k = z[i] as number;
    const p = zPrev[i] as number;
    if (k === p) continue;
    const w = tokens[i] as number;
    decrementWordTopic(c, w, p);
    c.nk[p] = (c.nk[p] as number) - 1;
    incrementWordTopic(c, w, k);
    c.nk[k] = (c.nk[k] as number) + 1;
  }
}

/** Splits documents into `parts` contiguous ranges of about equal token counts. */
export function partitionDocs(docOffsets: Uint32Array, parts: number): Uint32Array {
  const D = docOffsets.length - 1;
  const total = docOffsets[D] as number;
  const bounds = new Uint32Array(parts + 1);
  let d = 0;
  for (let p = 1; p < parts; p++) {
    const target = (total * p) / parts;
    while (d < D && (docOffsets[d] as number) < target) d++;
    bounds[p] = d;
  }
  bounds[parts] = D;
  return bounds;
}

/** Sparse doc-topic counts (CSR) of documents, from the assignments. */
export function docTopicCounts(docOffsets: Uint32Array, z: Uint16Array, K: number): { offsets: Uint32Array; topics: Uint16Array; counts: Uint32Array } {
  const D = docOffsets.length - 1;
  const ndk = new Int32Array(K);
  const list = new Uint16Array(K);
  const offsets = new Uint32Array(D + 1);
  let nnz = 0;
  // Two passes: sizes first, so that the arrays are allocated once.
  for (let pass = 0; pass < 2; pass++) {
    const topics = pass === 1 ? new Uint16Array(nnz) : undefined;
    const counts = pass === 1 ? new Uint32Array(nnz) : undefined;
    let pos = 0;
    for (let d = 0; d < D; d++) {
      let n = 0;
      for (let i = docOffsets[d] as number, e = docOffsets[d + 1] as number; i < e; i++) {
        const k = z[i] as number;
        if (ndk[k] === 0) list[n++] = k;
        ndk[k] = (ndk[k] as number) + 1;
      }
      const sorted = list.subarray(0, n).sort();
      for (let t = 0; t < n; t++) {
        const k = sorted[t] as number;
        if (topics && counts) { topics[pos] = k; counts[pos] = ndk[k] as number; }
        pos++;
        ndk[k] = 0;
      }
      offsets[d + 1] = pos;
    }
    if (pass === 0) nnz = pos;
    else return { offsets, topics: topics as Uint16Array, counts: counts as Uint32Array };
  }
  throw new Error('unreachable');
}
