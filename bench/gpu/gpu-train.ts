/**
 * GPU benchmark: the same networks trained with tfjs-backend-webgpu (through the `webgpu`
 * package, Dawn on Vulkan) and with PyTorch CUDA on the same GPU, in one process.
 * Built and bundled by bench/gpu/prepare.sh, run on the GPU machine by bench/gpu/run.sh.
 * Flags: --steps=N (timed steps, default 5), --stock (also time tfjs's stock gradient
 * kernels), --only=NAME (conv4-128 | conv4-224 | vgg19 | chain), --device=cpu (dry run on wasm).
 * Prints one JSON line per network with the ratio to PyTorch.
 *
 * `chain`: the paper's three-level chain (src/training/chain.ts) on synthetic banded images (2,000 at
 * 72x72x1, 64 px crops, batch 50): document (4 classes) from scratch, second (8) fine-tuned from it,
 * sentence (16) from second, new heads at 10x/20x; each level's training img/s and test top-1 beside
 * PyTorch's same chain (bench/anchors/torch_chain.py on the same bytes, split and rates).
 * --chain-epochs=N (default 3; 1 in a dry run).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tf, useDevice } from '../../src/training/backend.js';
import { restoreStockKernels, registerTrainingKernels } from '../../src/training/kernels/register.js';
import { buildModel, type Architecture } from '../../src/training/models.js';
import { autoMicroBatch } from '../../src/training/micro-batch.js';
import { lossAndGradients } from '../../src/training/gradients.js';
import { SgdMomentum, trainableVariables } from '../../src/training/sgd.js';
import { Rng } from '../../src/util/rng.js';
import { subset, syntheticDataset } from '../../src/training/data.js';
import { evaluate, trainModel } from '../../src/training/trainer.js';
import { NEW_LAYER_LR, replaceHead } from '../../src/training/model-io.js';

interface Net { name: string; architecture: Architecture; input: [number, number, number]; batch: number }
const NETS: Net[] = [
  { name: 'conv4-128', architecture: 'conv4', input: [128, 128, 1], batch: 32 },
  { name: 'conv4-224', architecture: 'conv4', input: [224, 224, 3], batch: 32 },
  { name: 'vgg19', architecture: 'vgg19', input: [224, 224, 3], batch: 50 },
];

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}`));
const steps = Number(arg('steps=')?.slice(8) ?? 5);
const only = arg('only=')?.slice(7);
const withStock = arg('stock') !== undefined;

async function timeTraining(net: Net): Promise<{ train: number; infer: number; batch: number }> {
  const model = buildModel({ architecture: net.architecture, inputShape: net.input, numOutputs: 10, seed: 1 });
  // A dry run on wasm (4 GB heap) takes VGG-19 a few images at a time; the GPU takes the paper's 50.
  const size = Math.min(net.batch, autoMicroBatch(model, tf.getBackend()));
  const { vars } = trainableVariables(model);
  const sgd = new SgdMomentum(vars, vars.map(() => 1), { learningRate: 0.001, momentum: 0.9, weightDecay: 5e-4 });
  const rng = new Rng(1);
  const per = net.input[0] * net.input[1] * net.input[2];
  const images = new Float32Array(size * per);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  const labels = Int32Array.from({ length: size }, () => rng.int(10));
  const batch = { images, labels, size };
  const step = async () => {
    const { loss, grads } = lossAndGradients(model, vars, 'softmax', batch, net.input, 10, 1);
    sgd.apply(grads);
    for (const g of grads) g.dispose();
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < 2; i++) await step();
  let t = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const train = (size * steps) / ((performance.now() - t) / 1000);
  const x = tf.tensor4d(images, [size, ...net.input]);
  const forward = async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  for (let i = 0; i < 2; i++) await forward();
  t = performance.now();
  for (let i = 0; i < steps * 3; i++) await forward();
  const infer = (size * steps * 3) / ((performance.now() - t) / 1000);
  x.dispose();
  sgd.dispose();
  model.dispose();
  return { train, infer, batch: size };
}

function torchAnchor(net: Net): Record<string, unknown> | undefined {
  const script = new URL('../anchors/torch_train.py', import.meta.url);
  const candidates = [script.pathname, 'bench/anchors/torch_train.py', '.gpu/anchors/torch_train.py'];
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const r = spawnSync(process.env['PYTHON'] ?? 'python3', [file, String(net.input[0]), String(net.input[1]), String(net.input[2]), String(net.batch), String(steps), 'cuda', net.architecture], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`torch anchor failed for ${net.name}: ${r.stderr.slice(-1500)}\n`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

/**
 * Our kernels on this GPU against tfjs-backend-cpu on small tensors (the CPU test suite
 * checks the same formulas on wasm): conv gradients over strides/paddings, max-pool gradients.
 */
async function checkKernels(backend: string): Promise<number> {
  const rng = new Rng(11);
  let worst = 0;
  const cases: [number, number, 'same' | 'valid', number][] = [[3, 1, 'same', 2], [3, 2, 'same', 2], [5, 1, 'valid', 2], [1, 1, 'valid', 2], [3, 1, 'same', 3]];
  for (const [k, s, pad, pool] of cases) {
    const xs = Float32Array.from({ length: 2 * 13 * 12 * 3 }, () => rng.normal());
    const ws = Float32Array.from({ length: k * k * 3 * 4 }, () => rng.normal());
    const grads = async (b: string) => {
      await tf.setBackend(b);
      const [dx, dw] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad)), pool, pool, 'valid'))))([tf.tensor4d(xs, [2, 13, 12, 3]), tf.tensor4d(ws, [k, k, 3, 4])]);
      return [await dx!.data(), await dw!.data()] as Float32Array[];
    };
    const ref = await grads('cpu');
    const ours = await grads(backend);
    ref.forEach((r, j) => {
      let scale = 1e-6;
      for (const v of r) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(ours[j]![i]! - r[i]!) / scale);
    });
  }
  await tf.setBackend(backend);
  return worst;
}

function anchorFile(name: string): string | undefined {
  const script = new URL(`../anchors/${name}`, import.meta.url);
  return [script.pathname, `bench/anchors/${name}`, `.gpu/anchors/${name}`].find((f) => existsSync(f));
}

/** The three-level chain on synthetic data, ours and PyTorch's (see the header). */
async function chainBench(device: 'cuda' | 'cpu'): Promise<Record<string, unknown>> {
  const size = 72;
  const crop = 64;
  const epochs = Number(arg('chain-epochs=')?.slice(13) ?? (device === 'cpu' ? 1 : 3));
  const data = syntheticDataset({ numImages: 2000, numClasses: 16, size, seed: 1 });
  const fine = data.labels!;
  // Split 85/5/10 by a seeded shuffle; each level's label is a coarsening of the 16 bands.
  const order = new Rng(2).shuffle(Array.from({ length: data.numImages }, (_, i) => i));
  const splitOf = new Int32Array(data.numImages);
  order.forEach((i, k) => { splitOf[i] = k < 0.85 * data.numImages ? 0 : k < 0.9 * data.numImages ? 1 : 2; });
  const levels = [{ level: 'document', classes: 4, shift: 2 }, { level: 'second', classes: 8, shift: 1 }, { level: 'sentence', classes: 16, shift: 0 }];
  const ours: Record<string, { top1: number; train_img_per_s: number }> = {};
  let model: tf.LayersModel | undefined;
  for (const l of levels) {
    const labels = Int32Array.from(fine, (c) => c >> l.shift);
    const withLabels = { ...data, labels };
    const train = subset(withLabels, order.filter((i) => splitOf[i] === 0));
    const test = subset(withLabels, order.filter((i) => splitOf[i] === 2));
    model = model === undefined
      ? buildModel({ architecture: 'conv4', inputShape: [crop, crop, 1], numOutputs: l.classes, seed: 1 })
      : replaceHead(model, { numOutputs: l.classes, seed: 2 });
    const report = await trainModel(model, train, {
      head: 'softmax', epochs, batchSize: 50, learningRate: l.shift === 2 ? 0.01 : 0.001, crop: [crop, crop], seed: 1,
      ...(l.shift === 2 ? {} : { lrMultipliers: { ...NEW_LAYER_LR } }),
    });
    const ev = await evaluate(model, test, 'softmax');
    ours[l.level] = { top1: r2(ev.accuracy!), train_img_per_s: r2(report.epochs.reduce((a, e) => a + e.imagesPerSecond, 0) / report.epochs.length) };
  }
  model?.dispose();
  let torch: Record<string, unknown> | undefined;
  const file = anchorFile('torch_chain.py');
  if (file !== undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-gpu-chain-'));
    const bytes = Uint8Array.from(data.pixels!, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    writeFileSync(path.join(dir, 'images.u8'), bytes);
    const spec = {
      images: path.join(dir, 'images.u8'), imageSize: size, cropSize: crop, batchSize: 50, learningRate: 0.01, fineTuneLearningRate: 0.001, seed: 1, device,
      levels: levels.map((l) => ({ level: l.level, labels: Array.from(fine, (c) => c >> l.shift), split: Array.from(splitOf), numClasses: l.classes, classWeights: new Array(l.classes).fill(1), weighted: false, epochs })),
    };
    writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    const r = spawnSync(process.env['PYTHON'] ?? 'python3', [file, path.join(dir, 'spec.json')], { encoding: 'utf8' });
    if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    else process.stderr.write(`torch chain anchor failed: ${r.stderr.slice(-1500)}\n`);
  }
  return { bench: 'train-gpu', model: 'chain', input: [crop, crop, 1], batch: 50, epochs, levels: ours, torch_levels: torch?.['levels'] ?? null, torch: torch?.['torch'] ?? null };
}

// --device=cpu: a dry run of this script on a machine without a GPU (wasm, no CUDA anchor).
const dryRun = arg('device=cpu') !== undefined;
const choice = await useDevice(dryRun ? 'cpu' : 'gpu');
process.stdout.write(`backend: ${choice.description}; our kernels: ${choice.kernels.join(', ')}\n`);
const worst = await checkKernels(choice.backend);
process.stdout.write(`${JSON.stringify({ check: `${choice.backend}-kernels-vs-cpu`, max_relative_error: worst, ok: worst < 1e-3 })}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;
if (only === undefined || only === 'chain') process.stdout.write(`${JSON.stringify(await chainBench(dryRun ? 'cpu' : 'cuda'))}\n`);
for (const net of NETS.filter((n) => only === undefined || n.name === only)) {
  const torch = dryRun ? undefined : torchAnchor(net);
  let ours: Awaited<ReturnType<typeof timeTraining>>;
  try {
    ours = await timeTraining(net);
  } catch (e) {
    // A dry run on wasm: VGG-19 at 224 does not fit the 4 GB heap (micro-batch.ts says so).
    if (!dryRun) throw e;
    process.stdout.write(`${JSON.stringify({ bench: 'train-gpu', model: net.name, skipped: e instanceof Error ? e.message : String(e) })}\n`);
    continue;
  }
  const line: Record<string, unknown> = {
    bench: 'train-gpu', model: net.name, input: net.input, batch: ours.batch,
    train_img_per_s: r2(ours.train), torch_train_img_per_s: torch?.['train_img_per_s'] ?? null,
    infer_img_per_s: r2(ours.infer), torch_infer_img_per_s: torch?.['infer_img_per_s'] ?? null,
    train_ratio: torch ? r2(ours.train / (torch['train_img_per_s'] as number)) : null,
    infer_ratio: torch ? r2(ours.infer / (torch['infer_img_per_s'] as number)) : null,
    torch: torch?.['torch'] ?? null,
  };
  if (withStock) {
    restoreStockKernels(choice.backend);
    try {
      line['stock_train_img_per_s'] = r2((await timeTraining(net)).train);
    } catch (e) {
      line['stock_train_img_per_s'] = null;
      line['stock_error'] = e instanceof Error ? e.message : String(e);
    } finally {
      registerTrainingKernels(choice.backend);
    }
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
