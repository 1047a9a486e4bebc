/** Ambient types for the untyped DICOM packages pacsmine uses (only what it calls). */
declare module 'dcmjs' {
  interface DicomDictInstance {
    dict: Record<string, unknown>;
    meta: Record<string, unknown>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    log: { getLogger(name: string): { setLevel(level: string): void } };
    data: {
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance };
      DicomMetaDictionary: {
        naturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
        denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
        uid(): string;
        dictionary: Record<string, { tag: string; vr: string; name: string }>;
        nameMap: Record<string, { tag: string; vr: string; name: string }>;
        punctuateTag(rawTag: string): string;
        unpunctuateTag(tag: string): string;
      };
    };
  };
  export default dcmjs;
}

/** The Emscripten codec builds share one decoder shape. */
interface PacsmineWasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  getDecodedBuffer(): Uint8Array;
  delete?(): void;
}
interface PacsmineWasmEncoder {
  getDecodedBuffer(frameInfo: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  setQuality?(lossless: boolean, quality: number): void;
  setNearLossless?(near: number): void;
  delete?(): void;
}
declare module '@cornerstonejs/codec-openjpeg' {
  const factory: () => Promise<{ J2KDecoder: new () => PacsmineWasmDecoder; J2KEncoder: new () => PacsmineWasmEncoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit' {
  const factory: () => Promise<{ JPEGDecoder: new () => PacsmineWasmDecoder; JPEGEncoder: new () => PacsmineWasmEncoder }>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls' {
  const factory: () => Promise<{ JpegLSDecoder: new () => PacsmineWasmDecoder; JpegLSEncoder: new () => PacsmineWasmEncoder }>;
  export default factory;
}
