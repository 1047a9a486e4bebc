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

/** What a compressed frame's own header declares (the decoder allocates from this, not from the DICOM header). */
export interface DeclaredFrame {
  rows: number;
  columns: number;
  components: number;
}

/** JPEG (ITU T.81) and JPEG-LS (T.87): the first SOFn / SOF55 segment's Y, X and Nf. */
function jpegFrameHeader(b: Uint8Array): DeclaredFrame | undefined {
  let p = 0;
  while (p + 1 < b.length && !(b[p] === 0xff && b[p + 1] === 0xd8)) p++; // SOI (some archives pad before it)
  p += 2;
  while (p + 3 < b.length) {
    if (b[p] !== 0xff) return undefined;
    const marker = b[p + 1] as number;
    if (marker === 0xff) { p++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { p += 2; continue; } // no length
    const len = ((b[p + 2] as number) << 8) | (b[p + 3] as number);
    const sof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (sof) {
      if (p + 9 >= b.length) return undefined;
      return { rows: ((b[p + 5] as number) << 8) | (b[p + 6] as number), columns: ((b[p + 7] as number) << 8) | (b[p + 8] as number), components: b[p + 9] as number };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    p += 2 + len;
  }
  return undefined;
}

/** JPEG 2000 (T.800): the SIZ segment after SOC, in a raw codestream or inside a JP2 file's jp2c box. */
function j2kFrameHeader(b: Uint8Array): DeclaredFrame | undefined {
  let p = 0;
  // SOC (FF4F) immediately followed by SIZ (FF51); a JP2 wrapper puts boxes before it.
  while (p + 3 < b.length && !(b[p] === 0xff && b[p + 1] === 0x4f && b[p + 2] === 0xff && b[p + 3] === 0x51)) p++;
  if (p + 42 > b.length) return undefined;
  const v = new DataView(b.buffer, b.byteOffset + p + 4);
  const xsiz = v.getUint32(4);
  const ysiz = v.getUint32(8);
  const xo = v.getUint32(12);
  const yo = v.getUint32(16);
  return { rows: Math.max(0, ysiz - yo), columns: Math.max(0, xsiz - xo), components: v.getUint16(36) };
}

/**
 * The geometry a compressed frame declares in its own header, read without decoding; undefined
 * for RLE (it has none: our decoder allocates from the DICOM header) and when no header is found.
 */
export function declaredFrame(transferSyntax: string, frame: Uint8Array): DeclaredFrame | undefined {
  switch (transferSyntax) {
    case '1.2.840.10008.1.2.4.50':
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70':
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81':
      return jpegFrameHeader(frame);
    case '1.2.840.10008.1.2.4.90':
    case '1.2.840.10008.1.2.4.91':
      return j2kFrameHeader(frame);
    default:
      return undefined;
  }
}

/** Transfer syntaxes whose frames carry their own geometry (checked before decoding). */
export const SELF_DESCRIBING_SYNTAXES: ReadonlySet<string> = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);

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
