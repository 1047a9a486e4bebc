// AssemblyScript (compiled to WebAssembly with v128 SIMD by scripts/build-wasm.mjs; not part of tsc).
// Training kernels that run straight on tfjs-backend-wasm's heap: the module imports that backend's
// own memory, so tensors are read and written where they are, with no copies. The module has no
// data segments and no static data (it would land on the backend's heap); every buffer, scratch
// included, is allocated by the caller with the backend's malloc. Pointers are byte addresses.

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropFilter, NHWC, dilation 1:
//   dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·sh + a - pt, j·sw + b - pl, ci] · dy[n, i, j, co]
// The input is first copied into a zero-padded buffer xp [N, Hp, Wp, Ci] (Hp = (Ho-1)·sh + kh,
// Wp = (Wo-1)·sw + kw), so the inner loops need no bounds checks. For a kernel row a, the pair
// (b, ci) flattens to q = b·Ci + ci, and x at output column j and q sits at
// xp_row[j·sw·Ci + q] for every stride: dW[a] is a [kw·Ci, Co] matrix, a GEMM over the output
// pixels. Register tiles of 4 q × 8 co (8 v128 accumulators) run over a block of output rows that
// stays in cache; the accumulators live in `acc` [kh, Q4, Co] (Q4 = kw·Ci rounded up to 4) between
// blocks. A ragged last q-tile reads past the row into the next one; those lanes are discarded.
// ---------------------------------------------------------------------------------------------

/** Pixels of output per row block: the block's slices of xp and dy stay in L1/L2. */
const BLOCK_PIXELS: i32 = 256;

export function padInput(x: usize, xp: usize, n: i32, h: i32, w: i32, c: i32, hp: i32, wp: i32, pt: i32, pl: i32): void {
  memory.fill(xp, 0, <usize>n * <usize>hp * <usize>wp * <usize>c * 4 + 64);
  const rowBytes = <usize>c * 4;
  for (let b = 0; b < n; b++) {
    for (let yp = 0; yp < hp; yp++) {
      const y = yp - pt;
      if (y < 0 || y >= h) continue;
      // Columns of xp that map inside x: xp col = x col + pl.
      const x0 = max<i32>(0, -pl);
      const x1 = min<i32>(w, wp - pl);
      if (x1 <= x0) continue;
      const src = x + ((<usize>b * <usize>h + <usize>y) * <usize>w + <usize>x0) * rowBytes;
      const dst = xp + ((<usize>b * <usize>hp + <usize>yp) * <usize>wp + <usize>(x0 + pl)) * rowBytes;
      memory.copy(dst, src, <usize>(x1 - x0) * rowBytes);
    }
  }
}

export function zero(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}

/** Address of xp[img, i·sh + a, 0, q] for output row r = img·ho + i. */
// @ts-ignore: decorator
@inline function paddedRow(xp: usize, r: i32, ho: i32, hp: i32, wp: i32, ci: i32, sh: i32, a: i32, q: i32): usize {
  const img = r / ho;
  const i = r - img * ho;
  return xp + (((<usize>img * <usize>hp + <usize>(i * sh + a)) * <usize>wp) * <usize>ci + <usize>q) * 4;
}

/** Adds into acc [kh, q4, co] floats (zero it first; a batch may come in chunks). dy: [n, ho, wo, co]; co % 4 == 0. */
export function convBackpropFilter(xp: usize, dy: usize, acc: usize, n: i32, hp: i32, wp: i32, ci: i32, ho: i32, wo: i32, co: i32, kh: i32, sh: i32, sw: i32, q4: i32): void {
  const rowsPerBlock = max<i32>(1, BLOCK_PIXELS / wo);
  const totalRows = n * ho;
  const xStep = <usize>(sw * ci) * 4; // bytes between output columns in an xp row
  const dyStep = <usize>co * 4;
  const co8 = co & ~7;
  for (let a = 0; a < kh; a++) {
    const accA = acc + <usize>a * <usize>q4 * <usize>co * 4;
    for (let r0 = 0; r0 < totalRows; r0 += rowsPerBlock) {
      const r1 = min<i32>(totalRows, r0 + rowsPerBlock);
      for (let q = 0; q < q4; q += 4) {
        for (let c = 0; c < co8; c += 8) {
          const ap = accA + (<usize>q * <usize>co + <usize>c) * 4;
          const rowStride = <usize>co * 4;
          let a00 = v128.load(ap), a01 = v128.load(ap, 16);
          let a10 = v128.load(ap + rowStride), a11 = v128.load(ap + rowStride, 16);
          let a20 = v128.load(ap + 2 * rowStride), a21 = v128.load(ap + 2 * rowStride, 16);
          let a30 = v128.load(ap + 3 * rowStride), a31 = v128.load(ap + 3 * rowStride, 16);
          for (let r = r0; r < r1; r++) {
            let px = paddedRow(xp, r, ho, hp, wp, ci, sh, a, q);
            let pd = dy + (<usize>r * <usize>wo * <usize>co + <usize>c) * 4;
            for (let j = 0; j < wo; j++) {
              const d0 = v128.load(pd);
              const d1 = v128.load(pd, 16);
              const x0 = v128.load32_splat(px);
              const x1 = v128.load32_splat(px, 4);
              const x2 = v128.load32_splat(px, 8);
              const x3 = v128.load32_splat(px, 12);
              a00 = f32x4.add(a00, f32x4.mul(x0, d0)); a01 = f32x4.add(a01, f32x4.mul(x0, d1));
              a10 = f32x4.add(a10, f32x4.mul(x1, d0)); a11 = f32x4.add(a11, f32x4.mul(x1, d1));
              a20 = f32x4.add(a20, f32x4.mul(x2, d0)); a21 = f32x4.add(a21, f32x4.mul(x2, d1));
              a30 = f32x4.add(a30, f32x4.mul(x3, d0)); a31 = f32x4.add(a31, f32x4.mul(x3, d1));
              px += xStep;
              pd += dyStep;
            }
          }
          v128.store(ap, a00); v128.store(ap, a01, 16);
          v128.store(ap + rowStride, a10); v128.store(ap + rowStride, a11, 16);
          v128.store(ap + 2 * rowStride, a20); v128.store(ap + 2 * rowStride, a21, 16);
          v128.store(ap + 3 * rowStride, a30); v128.store(ap + 3 * rowStride, a31, 16);
        }
        if (co8 < co) {
          // The last 4 output channels (co % 8 == 4).
          const c = co8;
          const ap = accA + (<usize>q * <usize>co + <usize>c) * 4;
          const rowStride = <usize>co * 4;
          let a0 = v128.load(ap), a1 = v128.load(ap + rowStride), a2 = v128.load(ap + 2 * rowStride), a3 = v128.load(ap + 3 * rowStride);
          for (let r = r0; r < r1; r++) {
            let px = paddedRow(xp, r, ho, hp, wp, ci, sh, a, q);
            let pd = dy + (<usize>r * <usize>wo * <usize>co + <usize>c) * 4;
            for (let j = 0; j < wo; j++) {
              const d0 = v128.load(pd);
              a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(px), d0));
              a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(px, 4), d0));
              a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(px, 8), d0));
              a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(px, 12), d0));
              px += xStep;
              pd += dyStep;
            }
          }
          v128.store(ap, a0); v128.store(ap + rowStride, a1); v128.store(ap + 2 * rowStride, a2); v128.store(ap + 3 * rowStride, a3);
        }
      }
    }
  }
}

/** Copies acc [kh, q4, co] to dW [kh, q, co] (q = kw·Ci ≤ q4). */
export function compactFilter(acc: usize, dw: usize, kh: i32, q: i32, q4: i32, co: i32): void {
  const bytes = <usize>q * <usize>co * 4;
  for (let a = 0; a < kh; a++) memory.copy(dw + <usize>a * bytes, acc + <usize>a * <usize>q4 * <usize>co * 4, bytes);
}

// ---------------------------------------------------------------------------------------------
// MaxPoolGrad, NHWC: each window routes its output gradient to the first pixel (row-major) equal
// to the window's maximum, as tfjs-backend-cpu does; a window whose maximum is -Infinity or NaN
// routes nothing. dx must be zeroed by the caller.
// ---------------------------------------------------------------------------------------------

/** Non-overlapping 2x2 windows, stride 2, no padding, c % 4 == 0: four lanes at a time. */
export function maxPoolGrad2x2(x: usize, y: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, ho: i32, wo: i32): void {
  const negInf = f32x4.splat(-Infinity);
  const pixel = <usize>c * 4;
  const row = <usize>w * pixel;
  let o: usize = 0; // byte offset into y / dy
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const rowBase = ((<usize>b * <usize>h + <usize>(2 * oy)) * <usize>w) * pixel;
      for (let ox = 0; ox < wo; ox++) {
        const p00 = rowBase + <usize>(2 * ox) * pixel;
        for (let k: usize = 0; k < pixel; k += 16, o += 16) {
          const m = v128.load(y + o);
          const g = v128.load(dy + o);
          const valid = f32x4.ne(m, negInf); // false for -Infinity; NaN matches no pixel below
          const e0 = v128.and(f32x4.eq(v128.load(x + p00 + k), m), valid);
          let taken = e0;
          const e1 = v128.andnot(v128.and(f32x4.eq(v128.load(x + p00 + pixel + k), m), valid), taken);
          taken = v128.or(taken, e1);
          const e2 = v128.andnot(v128.and(f32x4.eq(v128.load(x + p00 + row + k), m), valid), taken);
          taken = v128.or(taken, e2);
          const e3 = v128.andnot(v128.and(f32x4.eq(v128.load(x + p00 + row + pixel + k), m), valid), taken);
          v128.store(dx + p00 + k, v128.and(g, e0));
          v128.store(dx + p00 + pixel + k, v128.and(g, e1));
          v128.store(dx + p00 + row + k, v128.and(g, e2));
          v128.store(dx + p00 + row + pixel + k, v128.and(g, e3));
        }
      }
    }
  }
}

/** Any window, stride and padding; windows may overlap, so gradients add up. */
export function maxPoolGradGeneral(x: usize, y: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, ho: i32, wo: i32, fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32): void {
  const rowStride = w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const nBase = b * h * rowStride;
    for (let oy = 0; oy < ho; oy++) {
      const y0 = oy * sh - pt;
      const yMin = max<i32>(0, y0);
      const yMax = min<i32>(h, y0 + fh);
      for (let ox = 0; ox < wo; ox++, o += c) {
        const x0 = ox * sw - pl;
        const xMin = max<i32>(0, x0);
        const xMax = min<i32>(w, x0 + fw);
        const corner = nBase + yMin * rowStride + xMin * c;
        for (let k = 0; k < c; k++) {
          const m = load<f32>(y + (<usize>(o + k) << 2));
          if (m == -Infinity) continue;
          let found = false;
          for (let yy = yMin, rowIdx = corner + k; yy < yMax && !found; yy++, rowIdx += rowStride) {
            for (let xx = xMin, idx = rowIdx; xx < xMax; xx++, idx += c) {
              if (load<f32>(x + (<usize>idx << 2)) == m) {
                const p = dx + (<usize>idx << 2);
                store<f32>(p, load<f32>(p) + load<f32>(dy + (<usize>(o + k) << 2)));
                found = true;
                break;
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Column sums (a bias gradient: dy summed over batch and space). Blocks of rows are summed in
// float32 registers, and the block sums are added into float64 accumulators `acc` [cols], so the
// error does not grow with the number of rows. Columns past the last multiple of 4 go one at a time.
// ---------------------------------------------------------------------------------------------

const SUM_BLOCK: i32 = 64;

export function sumRows(x: usize, rows: i32, cols: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, <usize>cols * 8);
  const rowBytes = <usize>cols * 4;
  const cols4 = cols & ~3;
  for (let r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    const r1 = min<i32>(rows, r0 + SUM_BLOCK);
    for (let c = 0; c < cols4; c += 4) {
      let s = f32x4.splat(0);
      let p = x + <usize>r0 * rowBytes + <usize>c * 4;
      for (let r = r0; r < r1; r++, p += rowBytes) s = f32x4.add(s, v128.load(p));
      const ap = acc + <usize>c * 8;
      v128.store(ap, f64x2.add(v128.load(ap), f64x2.promote_low_f32x4(s)));
      v128.store(ap, f64x2.add(v128.load(ap, 16), f64x2.promote_low_f32x4(i32x4.shuffle(s, s, 2, 3, 0, 1))), 16);
    }
    for (let c = cols4; c < cols; c++) {
      let s: f32 = 0;
      let p = x + <usize>r0 * rowBytes + <usize>c * 4;
      for (let r = r0; r < r1; r++, p += rowBytes) s += load<f32>(p);
      const ap = acc + <usize>c * 8;
      store<f64>(ap, load<f64>(ap) + <f64>s);
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}

// ---------------------------------------------------------------------------------------------
// The SGD step of ../sgd.ts in one pass, into new buffers (tensors stay immutable):
//   g' = g + λ·w;  v' = μ·v + lr·g';  w' = w − v'
// in the same float32 operations and order as the tensor-op version, so both give the same bits.
// Five whole-tensor temporaries become none: VGG's 411 MB fc6 update no longer needs 2 GB.
// ---------------------------------------------------------------------------------------------

export function sgdMomentum(w: usize, v: usize, g: usize, wOut: usize, vOut: usize, n: i32, lr: f32, momentum: f32, decay: f32): void {
  const lr4 = f32x4.splat(lr);
  const m4 = f32x4.splat(momentum);
  const d4 = f32x4.splat(decay);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (decay != 0) gi = f32x4.add(gi, f32x4.mul(wi, d4));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), m4), f32x4.mul(gi, lr4));
    v128.store(vOut + o, vi);
    v128.store(wOut + o, f32x4.sub(wi, vi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (decay != 0) gi = gi + wi * decay;
    const vi = load<f32>(v + o) * momentum + gi * lr;
    store<f32>(vOut + o, vi);
    store<f32>(wOut + o, wi - vi);
  }
}

// ---------------------------------------------------------------------------------------------
// Matrix products with a transposed operand (every dense layer's two gradients): the stock wasm
// kernel runs these as plain loops, at about 1 GFLOP/s. C [M, N] = Σ_k A(m, k) · B[k, n], with
// A read one element at a time through strides (so A may be stored either way round) and B
// row-major [K, N], read 8 columns at a time. Tiles of 4 rows × 8 columns keep 8 v128
// accumulators over the whole of K; the 8-column strip of B stays in cache while every row
// tile passes over it.
// ---------------------------------------------------------------------------------------------

export function gemm(a: usize, sam: i32, sak: i32, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const aRow = <usize>sam * 4;
  const aStep = <usize>sak * 4;
  const bStep = <usize>n * 4;
  const cRow = <usize>n * 4;
  for (let j = 0; j < n8; j += 8) {
    let i = 0;
    for (; i < m4; i += 4) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let pa = a + <usize>i * aRow;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa);
        const x1 = v128.load32_splat(pa + aRow);
        const x2 = v128.load32_splat(pa + 2 * aRow);
        const x3 = v128.load32_splat(pa + 3 * aRow);
        a00 = f32x4.add(a00, f32x4.mul(x0, b0)); a01 = f32x4.add(a01, f32x4.mul(x0, b1));
        a10 = f32x4.add(a10, f32x4.mul(x1, b0)); a11 = f32x4.add(a11, f32x4.mul(x1, b1));
        a20 = f32x4.add(a20, f32x4.mul(x2, b0)); a21 = f32x4.add(a21, f32x4.mul(x2, b1));
        a30 = f32x4.add(a30, f32x4.mul(x3, b0)); a31 = f32x4.add(a31, f32x4.mul(x3, b1));
        pa += aStep;
        pb += bStep;
      }
      const pc = c + <usize>i * cRow + (<usize>j << 2);
      v128.store(pc, a00); v128.store(pc, a01, 16);
      v128.store(pc + cRow, a10); v128.store(pc + cRow, a11, 16);
      v128.store(pc + 2 * cRow, a20); v128.store(pc + 2 * cRow, a21, 16);
      v128.store(pc + 3 * cRow, a30); v128.store(pc + 3 * cRow, a31, 16);
    }
    for (; i < m; i++) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let pa = a + <usize>i * aRow;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const x = v128.load32_splat(pa);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(pb)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(pb, 16)));
        pa += aStep;
        pb += bStep;
      }
      const pc = c + <usize>i * cRow + (<usize>j << 2);
      v128.store(pc, s0); v128.store(pc, s1, 16);
    }
  }
  // The last n % 8 columns, one at a time.
  for (let j = n8; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s: f32 = 0;
      let pa = a + <usize>i * aRow;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += aStep;
        pb += bStep;
      }
      store<f32>(c + <usize>i * cRow + (<usize>j << 2), s);
    }
  }
}

/** dst [cols, rows] = src [rows, cols]ᵀ, in 8x8 blocks so both sides stay in cache. */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min<i32>(rows, r0 + 8);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min<i32>(cols, c0 + 8);
      for (let r = r0; r < r1; r++) {
        for (let cc = c0; cc < c1; cc++) {
          store<f32>(dst + ((<usize>cc * <usize>rows + <usize>r) << 2), load<f32>(src + ((<usize>r * <usize>cols + <usize>cc) << 2)));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bias add: out [rows, cols] = x [rows, cols] + b [cols] (every conv and dense layer's bias in
// training, where tfjs does not fuse it into the convolution). The stock kernel broadcasts with
// index arithmetic per element. cols % 4 == 0.
// ---------------------------------------------------------------------------------------------

export function addRowVector(x: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols * 4;
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>r * rowBytes;
    const po = out + <usize>r * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) v128.store(po + c, f32x4.add(v128.load(px + c), v128.load(b + c)));
  }
}
