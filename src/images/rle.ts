/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, then one
 * PackBits segment per byte plane, most significant byte first (G.2: "Byte Segments").
 * Small enough that a package would be more code to wire than this.
 */

/** Decodes one RLE frame into [rows × columns × samples] pixels, little-endian bytes per sample. */
export function decodeRle(frame: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  if (frame.length < 64) throw new Error(`RLE frame too short (${frame.length} bytes, header alone is 64)`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const numSegments = view.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  const expected = bytesPerSample * samplesPerPixel;
  if (numSegments !== expected) throw new Error(`RLE frame has ${numSegments} segments; ${expected} expected for ${bitsAllocated}-bit, ${samplesPerPixel} sample(s)`);
  const numPixels = rows * columns;
  const out = new Uint8Array(numPixels * expected);
  for (let s = 0; s < numSegments; s++) {
    const start = view.getUint32(4 + s * 4, true);
    const end = s + 1 < numSegments ? view.getUint32(4 + (s + 1) * 4, true) : frame.length;
    // Segment s holds byte (bytesPerSample-1 - s % bytesPerSample) of sample floor(s / bytesPerSample), for every pixel.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = expected;
    let outPos = sample * bytesPerSample + byteInSample;
    let written = 0;
    let p = start;
    while (p < end && written < numPixels) {
      const n = (frame[p++] as number) << 24 >> 24; // signed header byte
      if (n >= 0) {
        for (let k = 0; k <= n && written < numPixels; k++, written++, outPos += stride) out[outPos] = frame[p++] as number;
      } else if (n !== -128) {
        const value = frame[p++] as number;
        for (let k = 0; k < 1 - n && written < numPixels; k++, written++, outPos += stride) out[outPos] = value;
      }
    }
    if (written < numPixels) throw new Error(`RLE segment ${s + 1} ends after ${written} of ${numPixels} pixels`);
  }
  return out;
}

/** PackBits-encodes one byte plane. */
function packBits(plane: Uint8Array, out: number[]): void {
  let i = 0;
  const n = plane.length;
  while (i < n) {
    let run = 1;
    while (i + run < n && run < 128 && plane[i + run] === plane[i]) run++;
    if (run >= 2) {
      out.push((1 - run) & 0xff, plane[i] as number);
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < n && lit < 128 && !(i + lit + 1 < n && plane[i + lit] === plane[i + lit + 1])) lit++;
    out.push(lit - 1);
    for (let k = 0; k < lit; k++) out.push(plane[i + k] as number);
    i += lit;
  }
  if (out.length % 2) out.push(0x80); // segments are even-length; 0x80 (-128) is a no-op
}

/** Encodes little-endian pixel bytes as one RLE frame (for tests and for writing RLE archives). */
export function encodeRle(pixels: Uint8Array, numPixels: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  const bytesPerSample = bitsAllocated / 8;
  const stride = bytesPerSample * samplesPerPixel;
  const segments: number[][] = [];
  for (let s = 0; s < stride; s++) {
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const plane = new Uint8Array(numPixels);
    for (let i = 0; i < numPixels; i++) plane[i] = pixels[i * stride + sample * bytesPerSample + byteInSample] as number;
    const seg: number[] = [];
    packBits(plane, seg);
    segments.push(seg);
  }
  const total = 64 + segments.reduce((a, s) => a + s.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((seg, k) => {
    view.setUint32(4 + k * 4, offset, true);
    out.set(seg, offset);
    offset += seg.length;
  });
  return out;
}
