/**
 * Exports a trained network (tfjs layers) to ONNX, so that labelling hundreds of thousands
 * of images runs on onnxruntime-node (multi-threaded, oneDNN-class kernels) instead of
 * single-threaded wasm. The graph takes NHWC float input named 'input' (our layout),
 * transposes once to NCHW, and returns the logits as 'logits'.
 * Supported layers: InputLayer, Conv2D, Dense, MaxPooling2D, Flatten, Dropout (dropped),
 * Add, ReLU/Activation(relu|linear|sigmoid|softmax), GlobalAveragePooling2D.
 */
import { tf } from './backend.js';
import { onnxModelType, ONNX } from './onnx-proto.js';
import { PacsmineError } from '../util/errors.js';
import { packageVersion } from '../util/version.js';

interface Attr {
  name: string;
  type: number;
  i?: number;
  ints?: number[];
  f?: number;
}
interface Node {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: Attr[];
}

const ints = (name: string, v: number[]): Attr => ({ name, type: ONNX.ATTR_INTS, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: ONNX.ATTR_INT, i: v });

/** TF 'same'/'valid' padding as explicit [top, left, bottom, right] for one input size. */
function explicitPads(padding: string, inH: number, inW: number, kh: number, kw: number, sh: number, sw: number): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const outH = Math.ceil(inH / sh);
  const outW = Math.ceil(inW / sw);
  const padH = Math.max(0, (outH - 1) * sh + kh - inH);
  const padW = Math.max(0, (outW - 1) * sw + kw - inW);
  return [padH >> 1, padW >> 1, padH - (padH >> 1), padW - (padW >> 1)];
}

function pair(v: number | number[] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0] as number, (v[1] ?? v[0]) as number];
}

/** Serialises `model` to ONNX bytes (opset 13). Async: weights are read with data(), which works on WebGPU. */
export async function exportOnnx(model: tf.LayersModel): Promise<Uint8Array> {
  const nodes: Node[] = [];
  const initializers: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[] = [];
  const addInit = (name: string, values: Float32Array, dims: number[]) => {
    initializers.push({ name, dims, data_type: ONNX.FLOAT, raw_data: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) });
    return name;
  };
  const inShape = model.inputs[0]!.shape;
  const [, h, w, c] = inShape as [null, number, number, number];
  // Output name and static shape (NCHW for 4-d) of every layer's output.
  const outputs = new Map<string, { name: string; shape: number[] }>();
  const firstInputLayer = model.inputs[0]!.sourceLayer.name;
  nodes.push({ input: ['input'], output: ['input_nchw'], name: 'to_nchw', op_type: 'Transpose', attribute: [ints('perm', [0, 3, 1, 2])] });
  outputs.set(firstInputLayer, { name: 'input_nchw', shape: [c, h, w] });

  const activation = (src: string, act: string | undefined, name: string): string => {
    if (act === undefined || act === 'linear') return src;
    const op = { relu: 'Relu', sigmoid: 'Sigmoid', softmax: 'Softmax' }[act];
    if (op === undefined) throw new PacsmineError('UNSUPPORTED', `ONNX export: activation '${act}' is not supported`);
    nodes.push({ input: [src], output: [`${name}_act`], name: `${name}_act`, op_type: op, attribute: op === 'Softmax' ? [int('axis', -1)] : [] });
    return `${name}_act`;
  };

  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    if (cls === 'InputLayer') continue;
    const inbound = (layer as unknown as { inboundNodes: { inboundLayers: { name: string }[] }[] }).inboundNodes[0]!.inboundLayers.map((l) => outputs.get(l.name));
    if (inbound.some((x) => x === undefined)) throw new PacsmineError('UNSUPPORTED', `ONNX export: layer ${layer.name} has an unknown input`);
    const src = inbound[0]!;
    const name = layer.name;
    const weights = layer.getWeights();
    const act = cfg['activation'] as string | undefined;
    switch (cls) {
      case 'Conv2D': {
        const [kh, kw, ci, co] = weights[0]!.shape as [number, number, number, number];
        const [sh, sw] = pair(cfg['strides'] as number[], 1);
        const [dh, dw] = pair(cfg['dilationRate'] as number[], 1);
        if (dh !== 1 || dw !== 1) throw new PacsmineError('UNSUPPORTED', 'ONNX export: dilated convolutions are not supported');
        const transposed = tf.transpose(weights[0]!, [3, 2, 0, 1]);
        const kernel = (await transposed.data()) as Float32Array;
        transposed.dispose();
        const inputs = [src.name, addInit(`${name}_W`, kernel, [co, ci, kh, kw])];
        if (weights[1] !== undefined) inputs.push(addInit(`${name}_B`, (await weights[1].data()) as Float32Array, [co]));
        const [, ih, iw] = src.shape as [number, number, number];
        const pads = explicitPads(cfg['padding'] as string, ih, iw, kh, kw, sh, sw);
        nodes.push({ input: inputs, output: [name], name, op_type: 'Conv', attribute: [ints('kernel_shape', [kh, kw]), ints('strides', [sh, sw]), ints('pads', pads)] });
        const oh = Math.floor((ih + pads[0]! + pads[2]! - kh) / sh) + 1;
        const ow = Math.floor((iw + pads[1]! + pads[3]! - kw) / sw) + 1;
        outputs.set(name, { name: activation(name, act, name), shape: [co, oh, ow] });
        break;
      }
      case 'MaxPooling2D': {
        const [kh, kw] = pair(cfg['poolSize'] as number[], 2);
        const [sh, sw] = pair((cfg['strides'] as number[] | null) ?? [kh, kw], kh);
        const [ch, ih, iw] = src.shape as [number, number, number];
        const pads = explicitPads(cfg['padding'] as string, ih, iw, kh, kw, sh, sw);
        nodes.push({ input: [src.name], output: [name], name, op_type: 'MaxPool', attribute: [ints('kernel_shape', [kh, kw]), ints('strides', [sh, sw]), ints('pads', pads)] });
        outputs.set(name, { name, shape: [ch, Math.floor((ih + pads[0]! + pads[2]! - kh) / sh) + 1, Math.floor((iw + pads[1]! + pads[3]! - kw) / sw) + 1] });
        break;
      }
      case 'Flatten': {
        // tfjs flattens NHWC (h, w, c order): go back to NHWC first so Dense weights stay as they are.
        nodes.push({ input: [src.name], output: [`${name}_nhwc`], name: `${name}_nhwc`, op_type: 'Transpose', attribute: [ints('perm', [0, 2, 3, 1])] });
        nodes.push({ input: [`${name}_nhwc`], output: [name], name, op_type: 'Flatten', attribute: [int('axis', 1)] });
        outputs.set(name, { name, shape: [src.shape.reduce((a, b) => a * b, 1)] });
        break;
      }
      case 'GlobalAveragePooling2D': {
        nodes.push({ input: [src.name], output: [`${name}_4d`], name: `${name}_4d`, op_type: 'GlobalAveragePool', attribute: [] });
        nodes.push({ input: [`${name}_4d`], output: [name], name, op_type: 'Flatten', attribute: [int('axis', 1)] });
        outputs.set(name, { name, shape: [src.shape[0]!] });
        break;
      }
      case 'Dense': {
        const [nin, nout] = weights[0]!.shape as [number, number];
        const bias = weights[1] !== undefined ? ((await weights[1].data()) as Float32Array) : new Float32Array(nout);
        nodes.push({ input: [src.name, addInit(`${name}_W`, (await weights[0]!.data()) as Float32Array, [nin, nout]), addInit(`${name}_B`, bias, [nout])], output: [name], name, op_type: 'Gemm', attribute: [] });
        outputs.set(name, { name: activation(name, act, name), shape: [nout] });
        break;
      }
      case 'Dropout':
        outputs.set(name, src);
        break;
      case 'ReLU':
        outputs.set(name, { name: activation(src.name, 'relu', name), shape: src.shape });
        break;
      case 'Activation':
        outputs.set(name, { name: activation(src.name, act, name), shape: src.shape });
        break;
      case 'Add':
        nodes.push({ input: inbound.map((x) => x!.name), output: [name], name, op_type: 'Add', attribute: [] });
        outputs.set(name, { name, shape: src.shape });
        break;
      default:
        throw new PacsmineError('UNSUPPORTED', `ONNX export: layer type ${cls} (${name}) is not supported`);
    }
  }
  const last = outputs.get(model.outputs[0]!.sourceLayer.name)!;
  nodes.push({ input: [last.name], output: ['logits'], name: 'logits', op_type: 'Identity', attribute: [] });
  const tensorType = (dims: (number | string)[]) => ({ tensor_type: { elem_type: ONNX.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d })) } } });
  const message = {
    ir_version: 7,
    producer_name: 'pacsmine',
    producer_version: packageVersion,
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: model.name,
      node: nodes,
      initializer: initializers,
      input: [{ name: 'input', type: tensorType(['batch', h, w, c]) }],
      output: [{ name: 'logits', type: tensorType(['batch', last.shape[0]!]) }],
    },
  };
  const type = onnxModelType();
  return type.encode(type.fromObject(message)).finish();
}
