/**
 * The one place that imports TensorFlow.js backends. `--device cpu|gpu|auto`:
 *   cpu  → @tensorflow/tfjs-node when the user installed it, else tfjs-backend-wasm (SIMD)
 *   gpu  → @tensorflow/tfjs-node-gpu when installed, else tfjs-backend-webgpu through the
 *          `webgpu` package (Dawn, Vulkan)
 *   auto → the fastest present: tfjs-node-gpu, WebGPU, tfjs-node, wasm; it says which.
 * On wasm and WebGPU our gradient kernels replace the stock ones (see kernels/).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { OptionsError, PacsmineError } from '../util/errors.js';
import { registerTrainingKernels } from './kernels/register.js';

// Production mode: no console nagging about tfjs-node (the cpu reference backend says it at first use).
tf.env().set('PROD', true);

export { tf };

export type Device = 'cpu' | 'gpu' | 'auto';

export interface BackendChoice {
  /** tfjs backend name: 'wasm', 'webgpu', 'tensorflow' (tfjs-node), 'cpu' (tests only). */
  backend: string;
  device: 'cpu' | 'gpu';
  /** One human line: what runs, and why. */
  description: string;
  /** Our kernels registered on it. */
  kernels: string[];
}

/** Dynamic import of an optional package; undefined when it is not installed or fails to load. */
async function optionalImport(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch {
    return undefined;
  }
}

async function tryTfjsNode(gpu: boolean): Promise<BackendChoice | undefined> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  if ((await optionalImport(pkg)) === undefined) return undefined;
  if (!(await tf.setBackend('tensorflow'))) return undefined;
  return { backend: 'tensorflow', device: gpu ? 'gpu' : 'cpu', description: `${pkg} (libtensorflow)`, kernels: [] };
}

interface GpuModule {
  create(args: string[]): { requestAdapter(): Promise<{ info?: { vendor?: string; description?: string } } | null> };
  globals: Record<string, unknown>;
}

async function tryWebGpu(): Promise<BackendChoice | undefined> {
  const mod = (await optionalImport('webgpu')) as GpuModule | undefined;
  if (mod === undefined) return undefined;
  const g = globalThis as { navigator?: unknown };
  let gpu: ReturnType<GpuModule['create']>;
  try {
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return undefined;
    // tfjs-backend-webgpu registers itself at import only when navigator.gpu exists.
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator as object | undefined), gpu }, configurable: true, writable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return undefined;
    const desc = adapter.info?.description ?? adapter.info?.vendor ?? 'GPU';
    const kernels = registerTrainingKernels('webgpu');
    return { backend: 'webgpu', device: 'gpu', description: `tfjs-backend-webgpu on ${desc} (Dawn)`, kernels };
  } catch {
    return undefined;
  }
}

/**
 * Whether a Vulkan loader is installed, which Dawn needs on Linux. 'auto' skips WebGPU without
 * one, so that Dawn does not print its loader warning on every CPU-only run.
 */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  const extra = (process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean);
  return [...extra, ...dirs].some((d) => existsSync(`${d}/libvulkan.so.1`));
}

async function useWasm(): Promise<BackendChoice> {
  if (!(await tf.setBackend('wasm'))) throw new PacsmineError('UNSUPPORTED', 'tfjs-backend-wasm failed to start');
  const kernels = registerTrainingKernels('wasm');
  return { backend: 'wasm', device: 'cpu', description: 'tfjs-backend-wasm (SIMD, one thread per worker)', kernels };
}

let current: BackendChoice | undefined;

/** Picks and starts a backend once per process; later calls with the same device reuse it. */
export async function useDevice(device: Device = 'auto'): Promise<BackendChoice> {
  if (current !== undefined && (device === 'auto' || device === current.device)) return current;
  let choice: BackendChoice | undefined;
  if (device === 'cpu') choice = (await tryTfjsNode(false)) ?? (await useWasm());
  else if (device === 'gpu') {
    choice = (await tryTfjsNode(true)) ?? (await tryWebGpu());
    if (choice === undefined) throw new PacsmineError('UNSUPPORTED', 'no GPU backend: install @tensorflow/tfjs-node-gpu, or make a Vulkan GPU visible to the `webgpu` package; or use option `device` cpu');
  } else if (device === 'auto') {
    choice = (await tryTfjsNode(true)) ?? (vulkanLoaderPresent() ? await tryWebGpu() : undefined) ?? (await tryTfjsNode(false)) ?? (await useWasm());
    if (choice.device === 'cpu') choice = { ...choice, description: `${choice.description}; auto: no GPU backend available` };
  } else throw new OptionsError(`option \`device\` must be cpu, gpu or auto, got '${String(device)}'`);
  current = choice;
  return choice;
}

/**
 * `device`'s backend when given; otherwise the one this process already started, or the CPU's.
 * For loading and applying a saved network, which runs on whatever backend is at hand.
 */
export async function ensureBackend(device?: Device): Promise<BackendChoice> {
  if (device !== undefined) return useDevice(device);
  return current ?? useDevice('cpu');
}

/** For tests: the pure-JS reference backend (slow), to check our kernels against. */
export async function useReferenceCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

/** Switches to an already started backend by name (tests compare backends in one process). */
export async function switchTo(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new PacsmineError('UNSUPPORTED', `backend ${backend} failed to start`);
  if (backend === 'wasm' || backend === 'webgpu') registerTrainingKernels(backend);
}
