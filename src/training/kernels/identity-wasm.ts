/**
 * Identity on the wasm backend as a shared reference (one more owner of the same data), as
 * tfjs-backend-cpu does it. The stock wasm kernel copies; and the engine clones through Identity
 * every tensor it saves for the backward pass (each layer's input and output), so training
 * copied every activation once more: 17 ms of a 470 ms conv4 step, and the memory of a second
 * set of activations. Tensors are immutable and none of the kernels writes into its inputs, so
 * sharing is safe; the backend frees the data when its last owner is disposed.
 */
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

export function sharedIdentityKernel(stock: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = (args.inputs as NamedTensorInfoMap)['x'] as TensorInfo;
    if (x.dtype === 'string') return stock(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc };
}
