/** A gradient worker: its own wasm engine, one slice of each batch (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { tf, useDevice } from './backend.js';
import { addMeanGradients } from './gradients.js';
import { trainableVariables, writeArrays } from './sgd.js';
import type { Batch } from './data.js';
import type { StepRequest, WorkerInit, WorkerReply } from './parallel.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);

async function main(): Promise<void> {
  await useDevice('cpu');
  const model = await tf.models.modelFromJSON(JSON.parse(init.modelJson) as tf.io.ModelJSON['modelTopology'] as never);
  const { vars } = trainableVariables(model);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const numParams = init.varSizes.reduce((a, b) => a + b, 0);
  const [h, w, c] = init.inputShape;
  const perImage = h * w * c;
  let loadedVersion = -1;
  port.on('message', (req: StepRequest) => {
    void (async () => {
      try {
        if (req.weightsVersion !== loadedVersion) {
          let offset = 0;
          // wasm copies tensor data into its heap, so views of the shared weights suffice there;
          // other backends may keep the array they are given, so they get copies.
          const copies = tf.getBackend() !== 'wasm';
          writeArrays(vars, vars.map((v) => {
            const a = copies ? weights.slice(offset, offset + v.size) : weights.subarray(offset, offset + v.size);
            offset += v.size;
            return a;
          }));
          loadedVersion = req.weightsVersion;
        }
        const batch: Batch = { images: new Float32Array(init.images, req.start * perImage * 4, req.count * perImage), size: req.count };
        if (init.head === 'softmax') batch.labels = new Int32Array(init.labels, req.start * 4, req.count);
        else batch.targets = new Float32Array(init.targets, req.start * init.numOutputs * 4, req.count * init.numOutputs);
        const mine = grads.subarray(init.workerIndex * numParams, (init.workerIndex + 1) * numParams);
        mine.fill(0);
        const loss = await addMeanGradients(model, vars, init.head, batch, [h, w, c], init.numOutputs, req.stepSeed, init.microBatch, mine, 1, init.classWeights);
        reply({ type: 'done', loss });
      } catch (e) {
        reply({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  reply({ type: 'ready' });
}

main().catch((e: unknown) => reply({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
