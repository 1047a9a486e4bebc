/**
 * BatchMatMul on the wasm backend when an operand is transposed: every dense layer's gradients
 * (dW = xᵀ·dy, dX = dy·Wᵀ), which the stock kernel runs as plain loops at about 1 GFLOP/s
 * (AlexNet's fc6 gradients took 660 ms of a 2.9 s step). Products without a transpose go to the
 * stock kernel (XNNPACK).
 *
 * Our gemm (../assembly/train-kernels.ts) reads A through strides and B row-major [K, N]. Either
 * C = A'·B' is computed, packing B' when it is stored transposed, or Cᵀ = B'ᵀ·A'ᵀ, packing A'
 * when needed and transposing the result; whichever copies fewer floats. For dX = dy·Wᵀ that
 * means copying dy and the output (batch-sized) instead of W.
 */
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, heapKernels, withScratch, type HeapKernelExports, type WasmHeapBackend } from './heap-kernels.js';

export interface MatMulPlan {
  /** true: compute Cᵀ = B'ᵀ·A'ᵀ and transpose it into C. */
  transposed: boolean;
  /** Floats copied (packing and the final transpose). */
  copies: number;
}

/** The cheaper way round for C [m, n] = A'·B' with inner size k. */
export function planMatMul(m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const direct = transposeB ? k * n : 0;
  const flipped = (transposeA ? 0 : k * m) + m * n;
  return direct <= flipped ? { transposed: false, copies: direct } : { transposed: true, copies: flipped };
}

/** One product on the heap: a is [m,k] (or [k,m] with transposeA), b is [k,n] (or [n,k]), c is [m,n]. */
export function matMulOnHeap(kern: HeapKernelExports, backend: WasmHeapBackend, a: number, b: number, c: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void {
  const plan = planMatMul(m, n, k, transposeA, transposeB);
  if (!plan.transposed) {
    // A'(i, p) = transposeA ? a[p·m + i] : a[i·k + p]
    const [sam, sak] = transposeA ? [1, m] : [k, 1];
    if (!transposeB) kern.gemm(a, sam, sak, b, c, m, n, k);
    else withScratch(backend, [k * n * 4], ([packed]) => {
      kern.transpose2d(b, packed!, n, k); // b [n, k] → [k, n]
      kern.gemm(a, sam, sak, packed!, c, m, n, k);
    });
    return;
  }
  // Cᵀ [n, m] = B'ᵀ · A'ᵀ: the A operand is B'ᵀ, B'ᵀ(j, p) = transposeB ? b[j·k + p] : b[p·n + j];
  // the B operand is A'ᵀ as [k, m] row-major, which `a` already is when transposeA.
  const [sbm, sbk] = transposeB ? [k, 1] : [1, n];
  withScratch(backend, [transposeA ? 0 : k * m * 4, n * m * 4], ([packed, ct]) => {
    let rhs = a;
    if (!transposeA) {
      kern.transpose2d(a, packed!, m, k); // a [m, k] → [k, m]
      rhs = packed!;
    }
    kern.gemm(b, sbm, sbk, rhs, ct!, n, m, k);
    kern.transpose2d(ct!, c, n, m);
  });
}

export function wasmMatMulKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const i = args.inputs as NamedTensorInfoMap;
    const attrs = args.attrs as NamedAttrMap;
    const a = i['a'] as TensorInfo;
    const b = i['b'] as TensorInfo;
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const backend = args.backend as unknown as WasmHeapBackend;
    const kern = heapKernels(backend);
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || kern === undefined) return stock(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    // Batches must match or one side be a single matrix (what dense layers and most uses are).
    if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return stock(args);
    const outShape = [...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    const batch = Math.max(batchA, batchB);
    if (outShape.slice(0, -2).reduce((x, y) => x * y, 1) !== batch) return stock(args);
    const out = backend.makeOutput(outShape, 'float32');
    const [pa, pb, pc] = [heapAddress(backend, a), heapAddress(backend, b), heapAddress(backend, out)];
    for (let t = 0; t < batch; t++) {
      matMulOnHeap(kern, backend, pa + (batchA === 1 ? 0 : t * m * k * 4), pb + (batchB === 1 ? 0 : t * k * n * 4), pc + t * m * n * 4, m, n, k, transposeA, transposeB);
    }
    return out;
  };
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc };
}
