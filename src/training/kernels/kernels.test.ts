/**
 * Our gradient kernels on wasm against tfjs-backend-cpu's stock kernels (the reference),
 * through the real gradient path: tf.grads of Σ(op(x, w) ⊙ dy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, useDevice, switchTo } from '../backend.js';
import { Rng } from '../../util/rng.js';
import { isTiledPool, maxPoolGradTiled } from './maxpool-grad-ops.js';
import { filterGradOnHeap, heapFilterGradApplies } from './conv-filter-grad-wasm.js';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from './conv-grads.js';
import { heapKernels, type WasmHeapBackend } from './heap-kernels.js';
import { planMatMul } from './matmul-wasm.js';
import { SgdMomentum, readArrays } from '../sgd.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    if (d > 2e-4 * scale + 1e-5) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

async function convGradsOn(backend: string, xs: Float32Array, xShape: number[], ws: Float32Array, wShape: number[], strides: number, pad: Pad): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await switchTo(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, xShape as [number, number, number, number]);
    const w = tf.tensor4d(ws, wShape as [number, number, number, number]);
    const probe = tf.conv2d(x, w, strides, pad);
    const dy = tf.tensor(randomArray(probe.size, new Rng(7)), probe.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), dy)))([x, w]);
    return { dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

test('our kernels replace the stock wasm ones', async () => {
  const choice = await useDevice('cpu');
  assert.equal(choice.backend, 'wasm');
  assert.deepEqual([...choice.kernels].sort(), ['Add', 'BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity', 'MaxPoolGrad', 'PacsmineSgdMomentum', 'Sum']);
});

test('Conv2DBackpropFilter and Conv2DBackpropInput match the cpu backend: kernels 1-11, strides 1-3, same/valid/explicit/numeric padding, odd shapes', async () => {
  await useDevice('cpu');
  const rng = new Rng(1);
  const pads: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]], 1];
  let cases = 0;
  for (const k of [1, 2, 3, 4, 5, 7, 11]) {
    for (const s of [1, 2, 3]) {
      for (const pad of pads) {
        const xShape = [2, k + 4 + (s % 2), k + 2 + s, 3];
        const wShape = [k, Math.max(1, k - (s === 2 ? 1 : 0)), 3, 2];
        const xs = randomArray(xShape.reduce((a, b) => a * b), rng);
        const ws = randomArray(wShape.reduce((a, b) => a * b), rng);
        const ref = await convGradsOn('cpu', xs, xShape, ws, wShape, s, pad);
        const ours = await convGradsOn('wasm', xs, xShape, ws, wShape, s, pad);
        const what = `k=${k}x${wShape[1]} s=${s} pad=${JSON.stringify(pad)} x=${xShape.join('x')}`;
        assertClose(ours.dw, ref.dw, `dW ${what}`);
        assertClose(ours.dx, ref.dx, `dX ${what}`);
        cases++;
      }
    }
  }
  assert.equal(cases, 84);
});

test('the heap Conv2DBackpropFilter (Co a multiple of 4) matches the cpu backend: kernels 1-11, strides 1-3, every padding, thin and ragged inputs', async () => {
  await useDevice('cpu');
  const rng = new Rng(11);
  const pads: Pad[] = ['same', 'valid', [[0, 0], [2, 1], [0, 3], [0, 0]], 2];
  let cases = 0;
  for (const k of [1, 2, 3, 4, 5, 7, 11]) {
    for (const s of [1, 2, 3]) {
      for (const pad of pads) {
        // Ci 1 and 5 leave a ragged last q-tile (kw·Ci not a multiple of 4); Co 4 and 12 a half tile.
        const ci = [1, 5, 8][cases % 3]!;
        const co = [4, 8, 12][(cases + k) % 3]!;
        const xShape = [3, k + 5 + (s % 2), k + 3 + s, ci];
        const wShape = [k, Math.max(1, k - (s === 3 ? 1 : 0)), ci, co];
        const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], wShape as [number, number, number, number], s, 1, pad as 'same');
        assert.ok(heapFilterGradApplies(info));
        const xs = randomArray(xShape.reduce((a, b) => a * b), rng);
        const ws = randomArray(wShape.reduce((a, b) => a * b), rng);
        const ref = await convGradsOn('cpu', xs, xShape, ws, wShape, s, pad);
        const ours = await convGradsOn('wasm', xs, xShape, ws, wShape, s, pad);
        assertClose(ours.dw, ref.dw, `dW k=${k}x${wShape[1]} s=${s} ci=${ci} co=${co} pad=${JSON.stringify(pad)}`);
        cases++;
      }
    }
  }
  assert.equal(cases, 84);
});

test('the heap Conv2DBackpropFilter gives the same dW when the batch is padded in chunks', async () => {
  await useDevice('cpu');
  const rng = new Rng(12);
  const xShape: [number, number, number, number] = [5, 9, 8, 3];
  const wShape: [number, number, number, number] = [3, 3, 3, 8];
  const x = tf.tensor4d(randomArray(5 * 9 * 8 * 3, rng), xShape);
  const info = tf.backend_util.computeConv2DInfo(xShape, wShape, 2, 1, 'same');
  const dy = tf.tensor4d(randomArray(5 * info.outHeight * info.outWidth * 8, rng), [5, info.outHeight, info.outWidth, 8]);
  const backend = tf.backend() as unknown as WasmHeapBackend;
  const kernels = heapKernels(backend)!;
  const run = (chunkBytes?: number) => {
    const out = tf.zeros(wShape);
    filterGradOnHeap(kernels, backend, x, dy, out, info, chunkBytes);
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  };
  const whole = run();
  const imageBytes = ((info.outHeight - 1) * 2 + 3) * ((info.outWidth - 1) * 2 + 3) * 3 * 4;
  for (const images of [1, 2, 3]) assertClose(run(images * imageBytes), whole, `chunks of ${images} images`);
  x.dispose();
  dy.dispose();
});

async function poolGradOn(backend: string, xs: Float32Array, xShape: number[], size: number, strides: number, pad: 'same' | 'valid' | number): Promise<Float32Array> {
  await switchTo(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xs, xShape as [number, number, number, number]);
    const probe = tf.maxPool(x, size, strides, pad);
    const dy = tf.tensor(randomArray(probe.size, new Rng(3)), probe.shape);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, strides, pad), dy)))(x);
    return g.dataSync() as Float32Array;
  });
}

test('MaxPoolGrad matches the cpu backend, ties included (first maximum wins)', async () => {
  await useDevice('cpu');
  const rng = new Rng(2);
  for (const size of [1, 2, 3, 5]) {
    for (const s of [1, 2, 3]) {
      for (const pad of ['same', 'valid', 1] as const) {
        if (typeof pad === 'number' && pad * 2 >= size) continue;
        // 5 channels take the general kernel; 8 channels with 2x2/2 'valid' windows the SIMD one.
        for (const c of [5, 8]) {
          const xShape = [2, 9 + s, 7, c];
          const xs = randomArray(xShape.reduce((a, b) => a * b), rng);
          // ReLU-like zeros make ties, as in a real network; a -Infinity window routes nothing.
          for (let i = 0; i < xs.length; i++) if ((xs[i] as number) < 0) xs[i] = 0;
          for (const at of [0, c, 7 * c, 8 * c]) xs[at] = Number.NEGATIVE_INFINITY; // the top-left 2x2 window, channel 0
          const ref = await poolGradOn('cpu', xs, xShape, size, s, pad);
          const ours = await poolGradOn('wasm', xs, xShape, size, s, pad);
          assertClose(ours, ref, `maxPool size=${size} s=${s} pad=${pad} c=${c}`);
        }
      }
    }
  }
});

test('Sum over leading axes (bias gradients) matches the cpu backend; other reductions still work', async () => {
  await useDevice('cpu');
  const rng = new Rng(4);
  const shape: [number, number, number, number] = [3, 5, 7, 6];
  const xs = randomArray(3 * 5 * 7 * 6, rng);
  const cases: { axis: number | number[]; keepDims: boolean }[] = [
    { axis: [0, 1, 2], keepDims: false }, { axis: [2, 0, 1], keepDims: true }, { axis: 0, keepDims: false },
    { axis: [0, 1], keepDims: false }, { axis: [1, 2], keepDims: false }, { axis: 3, keepDims: true }, { axis: [0, 1, 2, 3], keepDims: false },
  ];
  for (const c of cases) {
    const run = async (backend: string) => {
      await switchTo(backend);
      return tf.tidy(() => {
        const t = tf.sum(tf.tensor4d(xs, shape), c.axis, c.keepDims);
        return { shape: t.shape, values: t.dataSync() as Float32Array };
      });
    };
    const ref = await run('cpu');
    const ours = await run('wasm');
    assert.deepEqual(ours.shape, ref.shape, `shape for ${JSON.stringify(c)}`);
    assertClose(ours.values, ref.values, `sum ${JSON.stringify(c)}`);
  }
});

test('the op-built MaxPoolGrad (WebGPU) matches the cpu backend on tiled pools, ties and ragged edges included', async () => {
  await useDevice('cpu');
  const rng = new Rng(6);
  for (const [size, h, w] of [[2, 8, 6], [2, 9, 7], [3, 9, 10], [1, 4, 5]] as const) {
    const xShape = [2, h, w, 3];
    const xs = randomArray(xShape.reduce((a, b) => a * b), rng);
    for (let i = 0; i < xs.length; i++) if ((xs[i] as number) < 0.3) xs[i] = 0;
    const ref = await poolGradOn('cpu', xs, xShape, size, size, 'valid');
    // Run the op formulation on the cpu backend itself, through the kernel's own math.
    const ours = tf.tidy(() => {
      const x = tf.tensor4d(xs, xShape as [number, number, number, number]);
      const y = tf.maxPool(x, size, size, 'valid');
      const dy = tf.tensor(randomArray(y.size, new Rng(3)), y.shape) as tf.Tensor4D;
      const info = tf.backend_util.computePool2DInfo(x.shape, [size, size], [size, size], 1, 'valid');
      assert.ok(isTiledPool(info));
      return maxPoolGradTiled(dy, x, y, info).dataSync() as Float32Array;
    });
    assertClose(ours, ref, `tiled maxPool size=${size} ${h}x${w}`);
  }
  const overlapping = tf.backend_util.computePool2DInfo([1, 8, 8, 1], [3, 3], [2, 2], 1, 'valid');
  assert.equal(isTiledPool(overlapping), false);
});

test('BatchMatMul with transposed operands matches the cpu backend: every transpose, odd sizes, batches and broadcasts, both plans', async () => {
  await useDevice('cpu');
  const rng = new Rng(21);
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [8, 9, 13], [5, 33, 4], [17, 6, 40], [2, 70, 3]];
  const plans = new Set<boolean>();
  for (const [m, n, k] of shapes) {
    for (const [batchA, batchB] of [[1, 1], [3, 3], [1, 2], [2, 1]] as const) {
      for (const [ta, tb] of [[true, false], [false, true], [true, true], [false, false]] as const) {
        const aShape = [batchA, ta ? k : m, ta ? m : k];
        const bShape = [batchB, tb ? n : k, tb ? k : n];
        const as = randomArray(aShape.reduce((x, y) => x * y), rng);
        const bs = randomArray(bShape.reduce((x, y) => x * y), rng);
        const run = async (backend: string) => {
          await switchTo(backend);
          return tf.tidy(() => tf.matMul(tf.tensor(as, aShape), tf.tensor(bs, bShape), ta, tb).dataSync() as Float32Array);
        };
        assertClose(await run('wasm'), await run('cpu'), `matMul ${m}x${n}x${k} batches ${batchA},${batchB} transposeA=${ta} transposeB=${tb}`);
        if (ta || tb) plans.add(planMatMul(m, n, k, ta, tb).transposed);
      }
    }
  }
  assert.deepEqual([...plans].sort(), [false, true], 'both ways round were exercised');
  // A dense layer's dX = dy·Wᵀ is computed the other way round, so W is never copied.
  assert.deepEqual(planMatMul(50, 9216, 4096, false, true), { transposed: true, copies: 4096 * 50 + 50 * 9216 });
});

test('the SGD kernel gives the same bits as the tensor-op update, weight decay on kernels only', async () => {
  await useDevice('cpu');
  const rng = new Rng(22);
  const shapes = [[3, 3, 2, 5], [7], [10, 13]];
  const init = shapes.map((s) => randomArray(s.reduce((x, y) => x * y), rng));
  const grads = [0, 1].map(() => shapes.map((s) => randomArray(s.reduce((x, y) => x * y), rng)));
  const run = async (backend: string) => {
    await switchTo(backend);
    const vars = init.map((a, i) => tf.tidy(() => tf.variable(tf.tensor(a, shapes[i]))));
    const sgd = new SgdMomentum(vars, [1, 10, 1], { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    for (const step of grads) {
      const g = step.map((a, i) => tf.tensor(a, shapes[i]));
      sgd.apply(g);
      g.forEach((t) => t.dispose());
    }
    const out = [...(await readArrays(vars)), ...(await sgd.velocities())];
    vars.forEach((v) => v.dispose());
    sgd.dispose();
    return out;
  };
  const before = tf.memory().numTensors;
  const ours = await run('wasm');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  assert.ok(tf.getKernel('PacsmineSgdMomentum', 'wasm') !== undefined);
  const ref = await run('cpu');
  ours.forEach((a, i) => assert.deepEqual(a, ref[i], `array ${i}`));
});

test('a training step through all our wasm kernels leaves no tensor and no heap bytes behind', async () => {
  await useDevice('cpu');
  const rng = new Rng(23);
  const x = tf.tensor4d(randomArray(4 * 12 * 12 * 3, rng), [4, 12, 12, 3]);
  const w1 = tf.tidy(() => tf.variable(tf.tensor4d(randomArray(3 * 3 * 3 * 8, rng), [3, 3, 3, 8])));
  const b1 = tf.variable(tf.zeros([8]));
  const w2 = tf.variable(tf.tensor2d(randomArray(6 * 6 * 8 * 5, rng), [6 * 6 * 8, 5]));
  // Conv gradients (heap dW, heap-flipped dX), the bias Sum, MaxPoolGrad, both transposed BatchMatMuls.
  const step = () => {
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(tf.reshape(tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1)) as tf.Tensor4D, 2, 2, 'valid'), [4, -1]), w2))), [w1, b1, w2]);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  };
  step();
  const before = tf.memory();
  for (let i = 0; i < 3; i++) step();
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  [x, w1, b1, w2].forEach((t) => t.dispose());
});

test('Add: the bias case (x [..., C] + b [C], either order) on the heap and every other Add give the cpu backend\'s values', async () => {
  await useDevice('cpu');
  const rng = new Rng(24);
  const cases: [number[], number[], 'float32' | 'int32'][] = [
    [[2, 3, 5, 8], [8], 'float32'], [[8], [4, 6, 8], 'float32'], [[7, 12], [12], 'float32'], // bias, on the heap
    [[2, 3, 5, 6], [6], 'float32'], [[2, 3], [2, 3], 'float32'], [[4, 1], [1, 8], 'float32'], [[3, 4], [4], 'int32'], [[], [4], 'float32'], // stock
  ];
  for (const [aShape, bShape, dtype] of cases) {
    const as = randomArray(aShape.reduce((x, y) => x * y, 1), rng);
    const bs = randomArray(bShape.reduce((x, y) => x * y, 1), rng);
    const run = async (backend: string) => {
      await switchTo(backend);
      return tf.tidy(() => {
        const t = tf.add(tf.tensor(dtype === 'int32' ? as.map((v) => Math.round(v * 10)) : as, aShape, dtype), tf.tensor(dtype === 'int32' ? bs.map((v) => Math.round(v * 10)) : bs, bShape, dtype));
        return { shape: t.shape, values: Array.from(t.dataSync()) };
      });
    };
    assert.deepEqual(await run('wasm'), await run('cpu'), `${aShape} + ${bShape} (${dtype})`);
  }
});

test('Identity on wasm shares the data: a clone outlives its original and frees nothing twice', async () => {
  await useDevice('cpu');
  const before = tf.memory();
  const x = tf.tensor([1, 2, 3, 4]);
  const y = tf.clone(x);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, 'one buffer for both');
  x.dispose();
  assert.deepEqual(Array.from(await y.data()), [1, 2, 3, 4]);
  y.dispose();
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('the WebGPU formulations (dW as a dilated convolution, dX with the op-flipped filter) match the cpu backend\'s kernels, run on the cpu backend', async () => {
  await useDevice('cpu');
  await switchTo('cpu');
  const rng = new Rng(25);
  const pads: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]], 1];
  let cases = 0;
  for (const k of [1, 2, 3, 5, 7, 11]) {
    for (const s of [1, 2, 3]) {
      for (const pad of pads) {
        const xShape: [number, number, number, number] = [2, k + 4 + (s % 2), k + 2 + s, [1, 3, 4][cases % 3]!];
        const wShape: [number, number, number, number] = [k, Math.max(1, k - (s === 2 ? 1 : 0)), xShape[3], [2, 4, 5][(cases + k) % 3]!];
        const x = tf.tensor4d(randomArray(xShape.reduce((a, b) => a * b), rng), xShape);
        const w = tf.tensor4d(randomArray(wShape.reduce((a, b) => a * b), rng), wShape);
        const y = tf.conv2d(x, w, s, pad);
        const dy = tf.tensor4d(randomArray(y.size, rng), y.shape);
        const [refDx, refDw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dy)))([x, w]);
        const ours = {
          dw: conv2dBackpropFilterViaConv(x, dy, wShape, s, pad, undefined, false),
          dx: conv2dBackpropInputViaConv(dy, w, xShape, s, pad, undefined, false),
        };
        const what = `k=${k}x${wShape[1]} s=${s} pad=${JSON.stringify(pad)} ci=${xShape[3]} co=${wShape[3]}`;
        assertClose(ours.dw.dataSync() as Float32Array, refDw!.dataSync() as Float32Array, `dW ${what}`);
        assertClose(ours.dx.dataSync() as Float32Array, refDx!.dataSync() as Float32Array, `dX ${what}`);
        tf.dispose([x, w, y, dy, refDx!, refDw!, ours.dw, ours.dx]);
        cases++;
      }
    }
  }
  assert.equal(cases, 72);
  await switchTo('wasm');
});
