/** Where gradients come from: this thread's backend, or a pool of workers (parallel.ts). */
import { tf } from './backend.js';
import type { Batch } from './data.js';
import { addMeanGradients, lossAndGradients } from './gradients.js';
import type { Head } from './losses.js';

export interface GradientEngine {
  /** Batch-mean loss and gradients (tensors on this thread's backend; the caller disposes them). */
  compute(batch: Batch, stepSeed: number): Promise<{ loss: number; grads: tf.Tensor[] }>;
  /** The optimiser changed the weights (workers must fetch them). */
  weightsChanged(): void;
  dispose(): Promise<void>;
}

export interface EngineContext {
  model: tf.LayersModel;
  vars: tf.Variable[];
  head: Head;
  inputShape: [number, number, number];
  numOutputs: number;
  /** Images per forward/backward pass within an engine's share of a batch (micro-batch.ts). */
  microBatch: number;
  /** Softmax head: loss weight per class (losses.ts). */
  classWeights?: Float32Array;
}

/** Gradients on this thread's backend. */
export function inProcessEngine(ctx: EngineContext): GradientEngine {
  return {
    async compute(batch, stepSeed) {
      if (batch.size > ctx.microBatch) {
        const sums = new Float32Array(ctx.vars.reduce((a, v) => a + v.size, 0));
        const loss = await addMeanGradients(ctx.model, ctx.vars, ctx.head, batch, ctx.inputShape, ctx.numOutputs, stepSeed, ctx.microBatch, sums, 1, ctx.classWeights);
        let offset = 0;
        return { loss, grads: ctx.vars.map((v) => tf.tensor(sums.subarray(offset, (offset += v.size)), v.shape)) };
      }
      const { loss, grads } = lossAndGradients(ctx.model, ctx.vars, ctx.head, batch, ctx.inputShape, ctx.numOutputs, stepSeed, ctx.classWeights);
      const value = (await loss.data())[0] as number;
      loss.dispose();
      return { loss: value, grads };
    },
    weightsChanged() {},
    async dispose() {},
  };
}
