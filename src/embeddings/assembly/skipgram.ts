// AssemblyScript (compiled to WebAssembly with v128 SIMD by scripts/build-wasm.mjs; not part of tsc).
// The same skip-gram kernel as ../kernel.ts (the reference it is tested against), over arrays that
// JavaScript lays out in a shared, imported memory. Globals are per instance, i.e. per worker.

const MAX_EXP: f32 = 6.0;
// 1000 / 6 / 2 in integer arithmetic (83), as the C tool and gensim compute it (see ../kernel.ts).
const EXP_SCALE: f32 = 83.0;

let D: i32 = 0;
let WINDOW: u32 = 0;
let NEGATIVE: i32 = 0;
let HS: i32 = 0;
let syn0: usize = 0;
let syn1: usize = 0;
let syn1neg: usize = 0;
let codes: usize = 0;
let points: usize = 0;
let codeOffsets: usize = 0;
let sampleInt: usize = 0;
let cumTable: usize = 0;
let cumLen: i32 = 0;
let ids: usize = 0;
let sentenceOffsets: usize = 0;
let expTable: usize = 0;
let work: usize = 0;
let sentence: usize = 0;
// One Huffman path's rows and gradients (trainPairHS); longer paths take trainPairMixed.
const MAX_PATH: i32 = 64;
let HS_ONLY: i32 = 0;
// Hogwild workers keep their own copies of the hottest rows, the syn0 rows of the most frequent
// words [0, HOT) and the syn1 rows of the inner nodes nearest the root [hot1Start, hot1Start + HOT),
// which every pair writes: two threads writing the same cache lines on every pair cost each of them
// about twice the CPU time of one thread. syncHot() folds a copy's changes since the last sync into
// the shared rows and reloads them, every SYNC_WORDS raw words (250: at 1,000 the two-worker models agreed
// with gensim 0.962, at 250 0.964-0.965, for about 7% more CPU time). HOT = 0 (one thread) keeps the
// plain shared-row semantics bit for bit.
const SYNC_WORDS: u32 = 250;
let HOT: u32 = 0;
let hot1Start: u32 = 0xffffffff;
let hot0Local: usize = 0;
let hot0Base: usize = 0;
let hot1Local: usize = 0;
let hot1Base: usize = 0;
let pathRows: usize = 0;
let pathGrads: usize = 0;
// xorshift128 state, seeded from JavaScript exactly as util/rng.ts seeds it.
let ra: u32 = 0;
let rb: u32 = 0;
let rc: u32 = 0;
let rd: u32 = 0;

export function heapBase(): usize {
  return __heap_base;
}

export function setup(
  vectorSize: i32, window: u32, negative: i32, hs: i32,
  pSyn0: usize, pSyn1: usize, pSyn1neg: usize, pCodes: usize, pPoints: usize, pCodeOffsets: usize,
  pSampleInt: usize, pCum: usize, nCum: i32, pIds: usize, pSentenceOffsets: usize, pExp: usize,
  pWork: usize, pSentence: usize, pPath: usize, maxCodeLength: i32, hotRows: u32, numInner: u32, pHot: usize,
): void {
  D = vectorSize; WINDOW = window; NEGATIVE = negative; HS = hs;
  syn0 = pSyn0; syn1 = pSyn1; syn1neg = pSyn1neg; codes = pCodes; points = pPoints; codeOffsets = pCodeOffsets;
  sampleInt = pSampleInt; cumTable = pCum; cumLen = nCum; ids = pIds; sentenceOffsets = pSentenceOffsets;
  expTable = pExp; work = pWork; sentence = pSentence;
  pathRows = pPath; pathGrads = pPath + (<usize>MAX_PATH << 2);
  HS_ONLY = HS != 0 && NEGATIVE == 0 && maxCodeLength <= MAX_PATH ? 1 : 0;
  HOT = HS_ONLY && hotRows <= numInner ? hotRows : 0;
  hot1Start = HOT > 0 ? numInner - HOT : 0xffffffff;
  const block = <usize>HOT * (<usize>D << 2);
  hot0Local = pHot; hot0Base = pHot + block; hot1Local = pHot + 2 * block; hot1Base = pHot + 3 * block;
}

export function seed(a: u32, b: u32, c: u32, d: u32): void {
  ra = a; rb = b; rc = c; rd = d;
}

// Word i (0-3) of the xorshift128 state, for a checkpoint; seed() puts a saved state back.
export function rngWord(i: i32): u32 {
  return i == 0 ? ra : i == 1 ? rb : i == 2 ? rc : rd;
}

@inline function nextU32(): u32 {
  let t = rd;
  const s = ra;
  rd = rc;
  rc = rb;
  rb = s;
  t ^= t << 11;
  t ^= t >>> 8;
  ra = t ^ s ^ (s >>> 19);
  return ra;
}

// Four independent accumulators hide the latency of the f32x4 add chain.
@inline function dot(x: usize, y: usize): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const n = <usize>D << 2;
  let i: usize = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + i), v128.load(y + i)));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x + i, 16), v128.load(y + i, 16)));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(x + i, 32), v128.load(y + i, 32)));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(x + i, 48), v128.load(y + i, 48)));
  }
  for (; i + 16 <= n; i += 16) a0 = f32x4.add(a0, f32x4.mul(v128.load(x + i), v128.load(y + i)));
  const acc = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i += 4) s += load<f32>(x + i) * load<f32>(y + i);
  return s;
}

// work += g·out; out += g·inp
@inline function update(out: usize, inp: usize, g: f32): void {
  const gv = f32x4.splat(g);
  const n = <usize>D << 2;
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const o = v128.load(out + i);
    v128.store(work + i, f32x4.add(v128.load(work + i), f32x4.mul(gv, o)));
    v128.store(out + i, f32x4.add(o, f32x4.mul(gv, v128.load(inp + i))));
  }
  for (; i < n; i += 4) {
    const o = load<f32>(out + i);
    store<f32>(work + i, load<f32>(work + i) + g * o);
    store<f32>(out + i, o + g * load<f32>(inp + i));
  }
}

function bisect(r: u32): i32 {
  let lo = 0, hi = cumLen - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<u32>(cumTable + (<usize>mid << 2)) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Hierarchical softmax alone (the paper's setting), in two passes that give the same bits as
// the one-node-at-a-time loop of trainPairMixed: the inner nodes of one path are distinct rows and
// the context vector changes only after the last node, so every dot product can be taken first;
// the updates then run over four nodes at a time, loading the context vector and the work
// accumulator once per four rows instead of once per row, and adding work into the context vector
// in the same pass. The work sums keep the node order, so the float additions are the same.
function trainPairHS(word: u32, context: u32, alpha: f32): void {
  const rowBytes = <usize>D << 2;
  // Whole f32x4 steps; the 0-3 floats after them (D not a multiple of 4) take the scalar loops.
  const vecBytes = rowBytes & ~(<usize>15);
  const l1 = context < HOT ? hot0Local + <usize>context * rowBytes : syn0 + <usize>context * rowBytes;
  const cEnd = load<u32>(codeOffsets + ((<usize>word + 1) << 2));
  let n: usize = 0;
  for (let c = load<u32>(codeOffsets + (<usize>word << 2)); c < cEnd; c++) {
    const p = load<u32>(points + (<usize>c << 2));
    const l2 = p >= hot1Start ? hot1Local + <usize>(p - hot1Start) * rowBytes : syn1 + <usize>p * rowBytes;
    const f = dot(l1, l2);
    if (f <= -MAX_EXP || f >= MAX_EXP) continue;
    const sig = load<f32>(expTable + (<usize>(<i32>((f + MAX_EXP) * EXP_SCALE)) << 2));
    store<usize>(pathRows + (n << 2), l2);
    store<f32>(pathGrads + (n << 2), (<f32>1 - <f32>load<u8>(codes + <usize>c) - sig) * alpha);
    n++;
  }
  if (n == 0) return;
  memory.fill(work, 0, rowBytes);
  let k: usize = 0;
  for (; k + 4 <= n; k += 4) {
    const r0 = load<usize>(pathRows + (k << 2));
    const r1 = load<usize>(pathRows + (k << 2), 4);
    const r2 = load<usize>(pathRows + (k << 2), 8);
    const r3 = load<usize>(pathRows + (k << 2), 12);
    const g0 = v128.load32_splat(pathGrads + (k << 2));
    const g1 = v128.load32_splat(pathGrads + (k << 2), 4);
    const g2 = v128.load32_splat(pathGrads + (k << 2), 8);
    const g3 = v128.load32_splat(pathGrads + (k << 2), 12);
    let i: usize = 0;
    for (; i < vecBytes; i += 16) {
      const x = v128.load(l1 + i);
      const o0 = v128.load(r0 + i);
      const o1 = v128.load(r1 + i);
      const o2 = v128.load(r2 + i);
      const o3 = v128.load(r3 + i);
      let w = f32x4.add(v128.load(work + i), f32x4.mul(g0, o0));
      w = f32x4.add(w, f32x4.mul(g1, o1));
      w = f32x4.add(w, f32x4.mul(g2, o2));
      w = f32x4.add(w, f32x4.mul(g3, o3));
      v128.store(work + i, w);
      v128.store(r0 + i, f32x4.add(o0, f32x4.mul(g0, x)));
      v128.store(r1 + i, f32x4.add(o1, f32x4.mul(g1, x)));
      v128.store(r2 + i, f32x4.add(o2, f32x4.mul(g2, x)));
      v128.store(r3 + i, f32x4.add(o3, f32x4.mul(g3, x)));
    }
    if (i < rowBytes) {
      const s0 = load<f32>(pathGrads + (k << 2));
      const s1 = load<f32>(pathGrads + (k << 2), 4);
      const s2 = load<f32>(pathGrads + (k << 2), 8);
      const s3 = load<f32>(pathGrads + (k << 2), 12);
      for (; i < rowBytes; i += 4) {
        const x = load<f32>(l1 + i);
        const o0 = load<f32>(r0 + i);
        const o1 = load<f32>(r1 + i);
        const o2 = load<f32>(r2 + i);
        const o3 = load<f32>(r3 + i);
        store<f32>(work + i, load<f32>(work + i) + s0 * o0 + s1 * o1 + s2 * o2 + s3 * o3);
        store<f32>(r0 + i, o0 + s0 * x);
        store<f32>(r1 + i, o1 + s1 * x);
        store<f32>(r2 + i, o2 + s2 * x);
        store<f32>(r3 + i, o3 + s3 * x);
      }
    }
  }
  // The remaining 0-3 nodes, then work into the context vector, in one pass.
  const left = n - k;
  const r0 = left > 0 ? load<usize>(pathRows + (k << 2)) : 0;
  const r1 = left > 1 ? load<usize>(pathRows + (k << 2), 4) : 0;
  const r2 = left > 2 ? load<usize>(pathRows + (k << 2), 8) : 0;
  const s0: f32 = left > 0 ? load<f32>(pathGrads + (k << 2)) : 0;
  const s1: f32 = left > 1 ? load<f32>(pathGrads + (k << 2), 4) : 0;
  const s2: f32 = left > 2 ? load<f32>(pathGrads + (k << 2), 8) : 0;
  const g0 = f32x4.splat(s0);
  const g1 = f32x4.splat(s1);
  const g2 = f32x4.splat(s2);
  let i: usize = 0;
  if (left == 0) {
    for (; i < vecBytes; i += 16) v128.store(l1 + i, f32x4.add(v128.load(l1 + i), v128.load(work + i)));
    for (; i < rowBytes; i += 4) store<f32>(l1 + i, load<f32>(l1 + i) + load<f32>(work + i));
  } else if (left == 1) {
    for (; i < vecBytes; i += 16) {
      const x = v128.load(l1 + i);
      const o0 = v128.load(r0 + i);
      const w = f32x4.add(v128.load(work + i), f32x4.mul(g0, o0));
      v128.store(r0 + i, f32x4.add(o0, f32x4.mul(g0, x)));
      v128.store(l1 + i, f32x4.add(x, w));
    }
    for (; i < rowBytes; i += 4) {
      const x = load<f32>(l1 + i);
      const o0 = load<f32>(r0 + i);
      const w = load<f32>(work + i) + s0 * o0;
      store<f32>(r0 + i, o0 + s0 * x);
      store<f32>(l1 + i, x + w);
    }
  } else if (left == 2) {
    for (; i < vecBytes; i += 16) {
      const x = v128.load(l1 + i);
      const o0 = v128.load(r0 + i);
      const o1 = v128.load(r1 + i);
      let w = f32x4.add(v128.load(work + i), f32x4.mul(g0, o0));
      w = f32x4.add(w, f32x4.mul(g1, o1));
      v128.store(r0 + i, f32x4.add(o0, f32x4.mul(g0, x)));
      v128.store(r1 + i, f32x4.add(o1, f32x4.mul(g1, x)));
      v128.store(l1 + i, f32x4.add(x, w));
    }
    for (; i < rowBytes; i += 4) {
      const x = load<f32>(l1 + i);
      const o0 = load<f32>(r0 + i);
      const o1 = load<f32>(r1 + i);
      const w = load<f32>(work + i) + s0 * o0 + s1 * o1;
      store<f32>(r0 + i, o0 + s0 * x);
      store<f32>(r1 + i, o1 + s1 * x);
      store<f32>(l1 + i, x + w);
    }
  } else {
    for (; i < vecBytes; i += 16) {
      const x = v128.load(l1 + i);
      const o0 = v128.load(r0 + i);
      const o1 = v128.load(r1 + i);
      const o2 = v128.load(r2 + i);
      let w = f32x4.add(v128.load(work + i), f32x4.mul(g0, o0));
      w = f32x4.add(w, f32x4.mul(g1, o1));
      w = f32x4.add(w, f32x4.mul(g2, o2));
      v128.store(r0 + i, f32x4.add(o0, f32x4.mul(g0, x)));
      v128.store(r1 + i, f32x4.add(o1, f32x4.mul(g1, x)));
      v128.store(r2 + i, f32x4.add(o2, f32x4.mul(g2, x)));
      v128.store(l1 + i, f32x4.add(x, w));
    }
    for (; i < rowBytes; i += 4) {
      const x = load<f32>(l1 + i);
      const o0 = load<f32>(r0 + i);
      const o1 = load<f32>(r1 + i);
      const o2 = load<f32>(r2 + i);
      const w = load<f32>(work + i) + s0 * o0 + s1 * o1 + s2 * o2;
      store<f32>(r0 + i, o0 + s0 * x);
      store<f32>(r1 + i, o1 + s1 * x);
      store<f32>(r2 + i, o2 + s2 * x);
      store<f32>(l1 + i, x + w);
    }
  }
}

// Negative sampling (with or without HS): one node at a time, as the TypeScript reference.
function trainPairMixed(word: u32, context: u32, alpha: f32): void {
  const rowBytes = <usize>D << 2;
  const l1 = syn0 + <usize>context * rowBytes;
  memory.fill(work, 0, rowBytes);
  if (HS) {
    const cEnd = load<u32>(codeOffsets + ((<usize>word + 1) << 2));
    for (let c = load<u32>(codeOffsets + (<usize>word << 2)); c < cEnd; c++) {
      const l2 = syn1 + <usize>load<u32>(points + (<usize>c << 2)) * rowBytes;
      const f = dot(l1, l2);
      if (f <= -MAX_EXP || f >= MAX_EXP) continue;
      const sig = load<f32>(expTable + (<usize>(<i32>((f + MAX_EXP) * EXP_SCALE)) << 2));
      const g = (<f32>1 - <f32>load<u8>(codes + <usize>c) - sig) * alpha;
      update(l2, l1, g);
    }
  }
  if (NEGATIVE > 0) {
    for (let k = 0; k <= NEGATIVE; k++) {
      let target: u32;
      let label: f32;
      if (k == 0) {
        target = word;
        label = 1;
      } else {
        target = <u32>bisect(nextU32() >>> 1);
        if (target == word) continue;
        label = 0;
      }
      const l2 = syn1neg + <usize>target * rowBytes;
      const f = dot(l1, l2);
      if (f <= -MAX_EXP || f >= MAX_EXP) continue;
      const sig = load<f32>(expTable + (<usize>(<i32>((f + MAX_EXP) * EXP_SCALE)) << 2));
      update(l2, l1, (label - sig) * alpha);
    }
  }
  let i: usize = 0;
  for (; i + 16 <= rowBytes; i += 16) v128.store(l1 + i, f32x4.add(v128.load(l1 + i), v128.load(work + i)));
  for (; i < rowBytes; i += 4) store<f32>(l1 + i, load<f32>(l1 + i) + load<f32>(work + i));
}

// shared += local - base; local = base = shared (the shared row as it is now, with the other
// threads' changes). Before any training local = base = 0, so the first sync only loads.
function syncRows(shared: usize, local: usize, base: usize): void {
  const n = <usize>HOT * (<usize>D << 2);
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    const v = f32x4.add(v128.load(shared + i), f32x4.sub(v128.load(local + i), v128.load(base + i)));
    v128.store(shared + i, v);
    v128.store(local + i, v);
    v128.store(base + i, v);
  }
  // HOT × D floats need not be a multiple of 4: the rest one at a time, never past the block.
  for (; i < n; i += 4) {
    const v = load<f32>(shared + i) + (load<f32>(local + i) - load<f32>(base + i));
    store<f32>(shared + i, v);
    store<f32>(local + i, v);
    store<f32>(base + i, v);
  }
}

function syncHot(): void {
  syncRows(syn0, hot0Local, hot0Base);
  syncRows(syn1 + <usize>hot1Start * (<usize>D << 2), hot1Local, hot1Base);
}

export function trainSentences(from: i32, to: i32, alpha: f32): f64 {
  let raw: f64 = 0;
  let sinceSync: u32 = 0;
  if (HOT) syncHot();
  for (let s = from; s < to; s++) {
    const start = load<u32>(sentenceOffsets + (<usize>s << 2));
    const end = load<u32>(sentenceOffsets + ((<usize>s + 1) << 2));
    raw += <f64>(end - start);
    if (HOT) {
      sinceSync += end - start;
      if (sinceSync >= SYNC_WORDS) {
        syncHot();
        sinceSync = 0;
      }
    }
    let len: i32 = 0;
    for (let k = start; k < end; k++) {
      const w = load<u32>(ids + (<usize>k << 2));
      const keep = load<u32>(sampleInt + (<usize>w << 2));
      if (keep < 0xffffffff && keep < nextU32()) continue;
      store<u32>(sentence + (<usize>len << 2), w);
      len++;
    }
    const win = <i32>WINDOW;
    for (let i = 0; i < len; i++) {
      const b = <i32>(nextU32() % WINDOW);
      const lo = i - win + b < 0 ? 0 : i - win + b;
      const hi = i + win + 1 - b > len ? len : i + win + 1 - b;
      const word = load<u32>(sentence + (<usize>i << 2));
      for (let j = lo; j < hi; j++) {
        if (j == i) continue;
        if (HS_ONLY) trainPairHS(word, load<u32>(sentence + (<usize>j << 2)), alpha);
        else trainPairMixed(word, load<u32>(sentence + (<usize>j << 2)), alpha);
      }
    }
  }
  if (HOT) syncHot();
  return raw;
}
