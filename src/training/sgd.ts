/**
 * SGD with momentum and weight decay, Caffe's update (the paper trained with Caffe):
 *   v ← μ·v + lr·mult·(g + λ·w);  w ← w − v
 * Weight decay applies to kernels only (rank ≥ 2), never to biases. `mult` is the layer's
 * learning-rate multiplier (10 for new layers when fine-tuning, as in the paper).
 * Runs on the model's own device: one kernel of ours on wasm (kernels/sgd-wasm.ts), tensor ops elsewhere.
 */
import { tf } from './backend.js';
import { SGD_KERNEL } from './kernels/sgd-wasm.js';

export interface SgdOptions {
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

export class SgdMomentum {
  readonly vars: tf.Variable[];
  readonly #mults: number[];
  readonly #decay: boolean[];
  readonly #velocities: tf.Variable[];
  readonly options: SgdOptions;

  constructor(vars: tf.Variable[], lrMultipliers: number[], options: SgdOptions) {
    this.vars = vars;
    this.#mults = lrMultipliers;
    this.#decay = vars.map((v) => v.rank >= 2);
    // tidy frees the zeros tensor; each variable keeps its own reference to the data.
    this.#velocities = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.options = options;
  }

  /** One update with gradients in the order of `vars`; disposes nothing it was given. */
  apply(grads: readonly tf.Tensor[]): void {
    const { learningRate, momentum, weightDecay } = this.options;
    // One scope per variable: the update's temporaries (five copies of the variable) are freed
    // before the next one, so the peak is five copies of the largest variable, not of all.
    const fused = tf.getKernel(SGD_KERNEL, tf.getBackend()) !== undefined;
    for (let i = 0; i < this.vars.length; i++) {
      tf.tidy(() => {
        const w = this.vars[i] as tf.Variable;
        const v = this.#velocities[i] as tf.Variable;
        const lr = learningRate * (this.#mults[i] as number);
        const decay = this.#decay[i] ? weightDecay : 0;
        if (fused) {
          const [wNew, vNew] = tf.engine().runKernel(SGD_KERNEL, { w, v, g: grads[i] as tf.Tensor }, { learningRate: lr, momentum, weightDecay: decay }) as tf.Tensor[];
          v.assign(vNew!);
          w.assign(wNew!);
          return;
        }
        let g = grads[i] as tf.Tensor;
        if (decay !== 0) g = tf.add(g, tf.mul(w, decay));
        v.assign(tf.add(tf.mul(v, momentum), tf.mul(g, lr)));
        w.assign(tf.sub(w, v));
      });
    }
  }

  async velocities(): Promise<Float32Array[]> {
    return Promise.all(this.#velocities.map(async (v) => (await v.data()) as Float32Array));
  }

  setVelocities(arrays: readonly Float32Array[]): void {
    tf.tidy(() => this.#velocities.forEach((v, i) => v.assign(tf.tensor(arrays[i] as Float32Array, v.shape))));
  }

  dispose(): void {
    for (const v of this.#velocities) v.dispose();
  }
}

/** The model's trainable variables, in a fixed order, with their layer names. */
export function trainableVariables(model: tf.LayersModel): { vars: tf.Variable[]; layerNames: string[] } {
  const vars: tf.Variable[] = [];
  const layerNames: string[] = [];
  for (const layer of model.layers) {
    for (const w of layer.trainableWeights) {
      vars.push(w.read() as tf.Variable);
      layerNames.push(layer.name);
    }
  }
  return { vars, layerNames };
}

/** Reads all variables to host arrays (async: works on WebGPU, where dataSync does not). */
export async function readArrays(vars: readonly tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
}

export function writeArrays(vars: readonly tf.Variable[], arrays: readonly Float32Array[]): void {
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(arrays[i] as Float32Array, v.shape))));
}
