/**
 * Training and inference throughput of pacsmine's engine against PyTorch on this CPU, side
 * by side in one run, same network, batch, input size and optimiser.
 *
 * Network (docs/gpu-from-node.md's 4-conv net): 4 × [conv3x3 'same' + ReLU + maxpool 2]
 * with 16/32/64/128 channels, flatten, dense to 10 classes; input 128x128x1, batch 32;
 * SGD momentum 0.9, weight decay 5e-4, lr 0.001; random images and labels.
 * Ours: tfjs-backend-wasm (SIMD) with our gradient kernels, data-parallel over this thread and
 * --workers worker threads (default 1: two engines); inference through ONNX on onnxruntime-node (2 threads).
 * PyTorch: Debian's python3-torch, 2 threads (bench/anchors/torch_train.py).
 * Flags: --steps=N (timed steps, default 8), --workers=N, --size=H (square input),
 * --rounds=N (default 2): the two engines run alternately N times and each keeps its best
 * round, so that load from other processes on a shared machine skews neither side alone.
 * --model=alexnet|resnet-small|vgg16|vgg19 benches another network (defaults: AlexNet 227x227x3,
 * batch 50; ResNet-small 128x128x1, batch 32; --channels=C and --batch=B override).
 */
import { readFileSync } from 'node:fs';
import { finish, peakRssMb, runPythonAnchor } from './lib/report.js';
import { useDevice, tf } from '../src/training/backend.js';
import { ARCHITECTURES, buildModel, type Architecture } from '../src/training/models.js';
import { trainModel } from '../src/training/trainer.js';
import { OnnxPredictor } from '../src/training/inference.js';
import { Rng } from '../src/util/rng.js';

function flag(name: string, dflt: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
}

const modelArg = process.argv.find((x) => x.startsWith('--model='))?.slice(8) ?? 'conv4';
if (!(ARCHITECTURES as readonly string[]).includes(modelArg)) throw new Error(`--model must be one of ${ARCHITECTURES.join(', ')}`);
const architecture = modelArg as Architecture;
const defaults = { conv4: [128, 1, 32], 'resnet-small': [128, 1, 32], alexnet: [227, 3, 50], vgg16: [224, 3, 50], vgg19: [224, 3, 50] }[architecture];
const steps = flag('steps', 8);
const workers = flag('workers', 1);
const size = flag('size', defaults[0]!);
const channels = flag('channels', defaults[1]!);
const batch = flag('batch', defaults[2]!);
const warmup = 2;
const rounds = flag('rounds', 2);
const input: [number, number, number] = [size, size, channels];

async function ours(): Promise<{ train: number; infer: number; backend: string }> {
  const choice = await useDevice('cpu');
  const rng = new Rng(1);
  const numImages = batch * (warmup + steps);
  const pixels = new Float32Array(numImages * size * size * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.next();
  const labels = Int32Array.from({ length: numImages }, () => rng.int(10));
  const model = buildModel({ architecture, inputShape: input, numOutputs: 10, seed: 1 });
  let timedFrom = 0;
  let timedTo = 0;
  await trainModel(model, { numImages, imageShape: input, pixels, pixelScale: 1, labels }, {
    head: 'softmax', epochs: 1, batchSize: batch, workers, flip: false,
    onStep: ({ step }) => {
      if (step === warmup - 1) timedFrom = performance.now();
      timedTo = performance.now();
    },
  });
  const train = (batch * steps) / ((timedTo - timedFrom) / 1000);

  const predictor = await OnnxPredictor.fromModel(model, { threads: 2 });
  const images = pixels.subarray(0, batch * size * size * channels);
  for (let i = 0; i < 2; i++) await predictor.predict(images, batch);
  const rounds = steps * 3;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await predictor.predict(images, batch);
  const infer = (batch * rounds) / ((performance.now() - t) / 1000);
  await predictor.dispose();
  model.dispose();
  return { train, infer, backend: `${choice.description} × ${workers + 1} engines; inference onnxruntime-node` };
}

const script = readFileSync(new URL('../../bench/anchors/torch_train.py', import.meta.url), 'utf8');
let torch: Record<string, unknown> | undefined;
let mine: { train: number; infer: number; backend: string } | undefined;
const best = (a: number | undefined, b: number | undefined) => Math.max(a ?? 0, b ?? 0);
for (let r = 0; r < rounds; r++) {
  const t = runPythonAnchor(script, [String(size), String(size), String(channels), String(batch), String(steps), 'cpu', architecture], { TORCH_THREADS: '2' });
  if (t !== undefined) {
    torch = torch === undefined ? t : { ...t,
      train_img_per_s: best(torch['train_img_per_s'] as number, t['train_img_per_s'] as number),
      infer_img_per_s: best(torch['infer_img_per_s'] as number, t['infer_img_per_s'] as number),
      peak_rss_mb: best(torch['peak_rss_mb'] as number, t['peak_rss_mb'] as number) };
  }
  const m = await ours();
  mine = mine === undefined ? m : { ...m, train: best(mine.train, m.train), infer: best(mine.infer, m.infer) };
  process.stdout.write(`round ${r + 1}: ours train ${m.train.toFixed(1)}, infer ${m.infer.toFixed(0)} img/s; PyTorch train ${String(t?.['train_img_per_s'])}, infer ${String(t?.['infer_img_per_s'])} img/s\n`);
}
if (mine === undefined) throw new Error('--rounds must be ≥ 1');
const round = (x: number) => Math.round(x * 100) / 100;
const torchTrain = torch?.['train_img_per_s'] as number | undefined;
const torchInfer = torch?.['infer_img_per_s'] as number | undefined;
process.stdout.write(`ours:    train ${round(mine.train)} img/s, inference ${round(mine.infer)} img/s (${mine.backend}; tf ${tf.version_core})\n`);
if (torch !== undefined) {
  process.stdout.write(`PyTorch: train ${torchTrain} img/s, inference ${torchInfer} img/s (torch ${String(torch['torch'])}, ${String(torch['threads'])} threads, CPU capability ${String(torch['cpu_capability'])})\n`);
  process.stdout.write(`ratio:   train ${round(mine.train / torchTrain!)}x, inference ${round(mine.infer / torchInfer!)}x PyTorch\n`);
} else process.stdout.write('PyTorch anchor unavailable (Debian python3-torch missing)\n');
finish({
  bench: 'train',
  model: architecture,
  input,
  batch,
  train_img_per_s: round(mine.train),
  torch_train_img_per_s: torchTrain ?? null,
  infer_img_per_s: round(mine.infer),
  torch_infer_img_per_s: torchInfer ?? null,
  peak_rss_mb: peakRssMb(),
  torch_peak_rss_mb: (torch?.['peak_rss_mb'] as number | undefined) ?? null,
  train_ratio: torchTrain ? round(mine.train / torchTrain) : null,
  infer_ratio: torchInfer ? round(mine.infer / torchInfer) : null,
  workers,
  rounds,
  torch_cpu_capability: torch?.['cpu_capability'] ?? null,
});
