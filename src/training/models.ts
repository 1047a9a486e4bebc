/**
 * Network definitions (tfjs layers, NHWC). Every network ends in a Dense layer named 'head'
 * with no activation: the loss applies softmax or sigmoid (see losses.ts), so one network
 * serves both heads and transfer only swaps 'head'.
 */
import { tf } from './backend.js';
import { OptionsError } from '../util/errors.js';

import { ARCHITECTURES, type Architecture } from './architectures.js';

export { ARCHITECTURES, type Architecture };

export interface ModelSpec {
  architecture: Architecture;
  /** [height, width, channels] of the (cropped) network input; channels 1 or 3. */
  inputShape: [number, number, number];
  /** Classes (softmax head) or target dimensions (sigmoid head, 512 in the paper). */
  numOutputs: number;
  /** Seed for the weight initialisers. */
  seed?: number;
}

type L = tf.layers.Layer;

function conv(name: string, filters: number, kernelSize: number, seed: number, strides = 1, padding: 'same' | 'valid' = 'same', activation: 'relu' | 'linear' = 'relu'): L {
  return tf.layers.conv2d({ name, filters, kernelSize, strides, padding, activation, kernelInitializer: tf.initializers.heNormal({ seed }), biasInitializer: 'zeros' });
}

function dense(name: string, units: number, seed: number, activation: 'relu' | 'linear' = 'relu'): L {
  return tf.layers.dense({ name, units, activation, kernelInitializer: tf.initializers.heNormal({ seed }) });
}

function pool(name: string, size = 2, strides = 2): L {
  return tf.layers.maxPooling2d({ name, poolSize: size, strides, padding: 'valid' });
}

/**
 * The benchmark network of docs/gpu.md: 4 × [conv3x3 'same' + ReLU + maxpool 2]
 * with 16/32/64/128 channels, flatten, dense to numOutputs. bench/train.bench.ts builds the
 * same network in PyTorch.
 */
function conv4(spec: ModelSpec, seed: number): tf.LayersModel {
  const m = tf.sequential({ name: 'conv4' });
  [16, 32, 64, 128].forEach((f, i) => {
    m.add(i === 0 ? tf.layers.conv2d({ inputShape: spec.inputShape, name: 'conv1', filters: f, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }) : conv(`conv${i + 1}`, f, 3, seed + i));
    m.add(pool(`pool${i + 1}`));
  });
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(dense('head', spec.numOutputs, seed + 9, 'linear'));
  return m;
}

/** A small ResNet for CPU: stem, three stages of two basic blocks (16/32/64), global average pool. */
function resnetSmall(spec: ModelSpec, seed: number): tf.LayersModel {
  const input = tf.input({ shape: spec.inputShape, name: 'input' });
  let s = seed;
  let x = conv('stem', 16, 3, s++).apply(input) as tf.SymbolicTensor;
  let channels = 16;
  [16, 32, 64].forEach((filters, stage) => {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const name = `s${stage + 1}b${block + 1}`;
      let y = conv(`${name}_conv1`, filters, 3, s++, stride).apply(x) as tf.SymbolicTensor;
      y = conv(`${name}_conv2`, filters, 3, s++, 1, 'same', 'linear').apply(y) as tf.SymbolicTensor;
      let shortcut = x;
      if (stride !== 1 || channels !== filters) shortcut = conv(`${name}_proj`, filters, 1, s++, stride, 'same', 'linear').apply(x) as tf.SymbolicTensor;
      x = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${name}_relu` }).apply(x) as tf.SymbolicTensor;
      channels = filters;
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = dense('head', spec.numOutputs, s, 'linear').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'resnet-small' });
}

/** AlexNet after Caffe's reference model (bvlc_reference_caffenet), without LRN; 227x227 input. */
function alexnet(spec: ModelSpec, seed: number): tf.LayersModel {
  const m = tf.sequential({ name: 'alexnet' });
  m.add(tf.layers.conv2d({ inputShape: spec.inputShape, name: 'conv1', filters: 96, kernelSize: 11, strides: 4, padding: 'valid', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  m.add(pool('pool1', 3, 2));
  m.add(conv('conv2', 256, 5, seed + 1));
  m.add(pool('pool2', 3, 2));
  m.add(conv('conv3', 384, 3, seed + 2));
  m.add(conv('conv4', 384, 3, seed + 3));
  m.add(conv('conv5', 256, 3, seed + 4));
  m.add(pool('pool5', 3, 2));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(dense('fc6', 4096, seed + 5));
  m.add(tf.layers.dropout({ name: 'drop6', rate: 0.5, seed: seed + 6 }));
  m.add(dense('fc7', 4096, seed + 7));
  m.add(tf.layers.dropout({ name: 'drop7', rate: 0.5, seed: seed + 8 }));
  m.add(dense('head', spec.numOutputs, seed + 9, 'linear'));
  return m;
}

/** VGG-16 / VGG-19 (Simonyan & Zisserman), Keras layer names so that Keras ImageNet weights load by name. */
function vgg(spec: ModelSpec, seed: number, depth: 16 | 19): tf.LayersModel {
  const perBlock = depth === 16 ? [2, 2, 3, 3, 3] : [2, 2, 4, 4, 4];
  const m = tf.sequential({ name: `vgg${depth}` });
  let s = seed;
  [64, 128, 256, 512, 512].forEach((filters, b) => {
    for (let c = 0; c < (perBlock[b] as number); c++) {
      const name = `block${b + 1}_conv${c + 1}`;
      if (b === 0 && c === 0) m.add(tf.layers.conv2d({ inputShape: spec.inputShape, name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: s++ }) }));
      else m.add(conv(name, filters, 3, s++));
    }
    m.add(pool(`block${b + 1}_pool`));
  });
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(dense('fc1', 4096, s++));
  m.add(tf.layers.dropout({ name: 'drop1', rate: 0.5, seed: s++ }));
  m.add(dense('fc2', 4096, s++));
  m.add(tf.layers.dropout({ name: 'drop2', rate: 0.5, seed: s++ }));
  m.add(dense('head', spec.numOutputs, s, 'linear'));
  return m;
}

/** Builds a fresh network with seeded initial weights. */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  const [, , c] = spec.inputShape;
  if (c !== 1 && c !== 3) throw new OptionsError(`input must have 1 or 3 channels, got ${c}`);
  if (!(spec.numOutputs >= 1)) throw new OptionsError(`numOutputs must be ≥ 1, got ${spec.numOutputs}`);
  // Smallest input each network reduces to at least 1x1 (smaller crashes the wasm kernels).
  const minSide = { conv4: 16, 'resnet-small': 4, alexnet: 67, vgg16: 32, vgg19: 32 }[spec.architecture];
  if (minSide !== undefined && Math.min(spec.inputShape[0], spec.inputShape[1]) < minSide) throw new OptionsError(`${spec.architecture} needs inputs of at least ${minSide}x${minSide}, got ${spec.inputShape[0]}x${spec.inputShape[1]}`);
  const seed = spec.seed ?? 1;
  switch (spec.architecture) {
    case 'conv4': return conv4(spec, seed);
    case 'resnet-small': return resnetSmall(spec, seed);
    case 'alexnet': return alexnet(spec, seed);
    case 'vgg16': return vgg(spec, seed, 16);
    case 'vgg19': return vgg(spec, seed, 19);
    default: throw new OptionsError(`unknown model '${String(spec.architecture)}'; one of ${ARCHITECTURES.join(', ')}`);
  }
}
