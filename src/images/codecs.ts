/**
 * Compressed transfer syntaxes through npm codec packages, loaded lazily (each is a WebAssembly
 * module that takes a moment to start): libjpeg-turbo (JPEG baseline), OpenJPEG (JPEG 2000),
 * CharLS (JPEG-LS), jpeg-lossless-decoder-js (JPEG lossless, process 14); RLE is ours (rle.ts).
 */
import { createRequire } from 'node:module';
import { decodeRle } from './rle.js';

const require = createRequire(import.meta.url);

type Factory = (module?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<Record<string, new () => PacsmineWasmDecoder>>;
const loaded = new Map<string, Promise<Record<string, new () => PacsmineWasmDecoder>>>();

function codec(pkg: string): Promise<Record<string, new () => PacsmineWasmDecoder>> {
  let p = loaded.get(pkg);
  if (!p) {
    // Silence the codecs' Emscripten stdout ("[INFO] Start to read j2k main header"): it would corrupt --json output.
    const quiet = (): void => undefined;
    p = (require(pkg) as Factory)({ print: quiet, printErr: quiet });
    loaded.set(pkg, p);
  }
  return p;
}

async function wasmDecode(pkg: string, className: string, frame: Uint8Array): Promise<{ bytes: Uint8Array; bitsPerSample: number; componentCount: number }> {
  const lib = await codec(pkg);
  const Decoder = lib[className];
  if (!Decoder) throw new Error(`${pkg} has no ${className}`);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    // Copy out: the decoded buffer lives in the codec's WebAssembly memory.
    return { bytes: new Uint8Array(decoder.getDecodedBuffer()), bitsPerSample: info.bitsPerSample, componentCount: info.componentCount };
  } finally {
    decoder.delete?.();
  }
}

export interface FrameGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/**
 * Decodes one compressed frame into little-endian sample bytes, laid out as an uncompressed
 * frame would be (interleaved samples, bitsAllocated per sample).
 */
export async function decodeCompressedFrame(transferSyntax: string, frame: Uint8Array, g: FrameGeometry): Promise<Uint8Array> {
  switch (transferSyntax) {
    case '1.2.840.10008.1.2.5':
      return decodeRle(frame, g.rows, g.columns, g.samplesPerPixel, g.bitsAllocated);
    case '1.2.840.10008.1.2.4.50':
      return (await wasmDecode('@cornerstonejs/codec-libjpeg-turbo-8bit', 'JPEGDecoder', frame)).bytes;
    case '1.2.840.10008.1.2.4.90':
    case '1.2.840.10008.1.2.4.91':
      return (await wasmDecode('@cornerstonejs/codec-openjpeg', 'J2KDecoder', frame)).bytes;
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81':
      return (await wasmDecode('@cornerstonejs/codec-charls', 'JpegLSDecoder', frame)).bytes;
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70': {
      const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => { decompress(b: ArrayBuffer, o: number, l: number): ArrayBuffer | ArrayBufferView } };
      const out = new Decoder().decompress(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length);
      return out instanceof ArrayBuffer ? new Uint8Array(out) : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      throw new Error(`no decoder for transfer syntax ${transferSyntax}`);
  }
}

/** Encoders for tests and for writing compressed archives (JPEG 2000 and JPEG-LS, lossless). */
export async function encodeLossless(kind: 'j2k' | 'jpegls', pixels: Uint8Array, g: FrameGeometry & { signed: boolean; bitsStored: number }): Promise<Uint8Array> {
  const pkg = kind === 'j2k' ? '@cornerstonejs/codec-openjpeg' : '@cornerstonejs/codec-charls';
  const lib = (await codec(pkg)) as unknown as Record<string, new () => PacsmineWasmEncoder>;
  const Encoder = lib[kind === 'j2k' ? 'J2KEncoder' : 'JpegLSEncoder'];
  if (!Encoder) throw new Error(`${pkg} has no encoder`);
  const encoder = new Encoder();
  try {
    encoder.getDecodedBuffer({ width: g.columns, height: g.rows, bitsPerSample: g.bitsStored, componentCount: g.samplesPerPixel, isSigned: g.signed }).set(pixels);
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } finally {
    encoder.delete?.();
  }
}
