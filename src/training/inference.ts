/**
 * Fast labelling: the trained network exported to ONNX and run by onnxruntime-node with
 * several intra-op threads. Input is NHWC float32, like the training batches.
 */
import * as ort from 'onnxruntime-node';
import type { tf } from './backend.js';
import { exportOnnx } from './onnx-export.js';

export interface OnnxPredictorOptions {
  /** Intra-op threads. Default: all cores. */
  threads?: number;
}

export class OnnxPredictor {
  readonly inputShape: [number, number, number];
  readonly numOutputs: number;
  readonly #session: ort.InferenceSession;

  private constructor(session: ort.InferenceSession, inputShape: [number, number, number], numOutputs: number) {
    this.#session = session;
    this.inputShape = inputShape;
    this.numOutputs = numOutputs;
  }

  /** From ONNX bytes (see exportOnnx); shapes as the network's input and output. */
  static async fromBytes(bytes: Uint8Array, inputShape: [number, number, number], numOutputs: number, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
    const sessionOptions: ort.InferenceSession.SessionOptions = { executionMode: 'sequential', graphOptimizationLevel: 'all' };
    if (options.threads !== undefined) sessionOptions.intraOpNumThreads = options.threads;
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    return new OnnxPredictor(session, inputShape, numOutputs);
  }

  /** Exports a tfjs layers model and loads it. */
  static async fromModel(model: tf.LayersModel, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
    const inShape = model.inputs[0]!.shape;
    const outShape = model.outputs[0]!.shape;
    return OnnxPredictor.fromBytes(await exportOnnx(model), [inShape[1] as number, inShape[2] as number, inShape[3] as number], outShape[outShape.length - 1] as number, options);
  }

  /** Logits [count × numOutputs] for `count` NHWC images. */
  async predict(images: Float32Array, count: number): Promise<Float32Array> {
    const input = new ort.Tensor('float32', images.subarray(0, count * this.inputShape[0] * this.inputShape[1] * this.inputShape[2]), [count, ...this.inputShape]);
    const out = await this.#session.run({ input });
    return out['logits']!.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
