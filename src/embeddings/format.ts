/**
 * The word2vec file formats of the C tool, read and written by gensim's
 * KeyedVectors.load_word2vec_format / save_word2vec_format:
 *   text:   "V D\n" then one "word v1 ... vD\n" per word;
 *   binary: "V D\n" then "word " + D little-endian float32 (+ "\n", which readers skip).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FormatError } from '../util/errors.js';
import { WordVectors } from './vectors.js';

export type Word2VecFormat = 'text' | 'binary';

/** Writes vectors in the word2vec text or binary format. */
export function saveWord2VecFormat(vectors: WordVectors, file: string, format: Word2VecFormat = 'binary'): void {
  const V = vectors.numWords, D = vectors.vectorSize;
  for (const w of vectors.words) {
    if (w.length === 0 || /\s/.test(w)) throw new FormatError(`word2vec files cannot hold a word that is empty or has white space (word ${vectors.words.indexOf(w)})`);
  }
  if (format === 'text') {
    const lines = [`${V} ${D}`];
    for (let w = 0; w < V; w++) {
      const parts: string[] = [vectors.words[w] as string];
      // 9 significant digits round-trip every float32 exactly.
      for (let d = 0; d < D; d++) parts.push(Number((vectors.vectors[w * D + d] as number).toPrecision(9)).toString());
      lines.push(parts.join(' '));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    return;
  }
  const chunks: Buffer[] = [Buffer.from(`${V} ${D}\n`, 'utf8')];
  for (let w = 0; w < V; w++) {
    chunks.push(Buffer.from(`${vectors.words[w] as string} `, 'utf8'));
    const row = Buffer.alloc(D * 4);
    for (let d = 0; d < D; d++) row.writeFloatLE(vectors.vectors[w * D + d] as number, d * 4);
    chunks.push(row, Buffer.from('\n'));
  }
  writeFileSync(file, Buffer.concat(chunks));
}

/** Reads a word2vec text or binary file (ours, gensim's or the C tool's). */
export function loadWord2VecFormat(file: string, format: Word2VecFormat = 'binary'): WordVectors {
  const buf = readFileSync(file);
  const headerEnd = buf.indexOf(0x0a);
  if (headerEnd < 0) throw new FormatError(`${file}: no header line ("<numWords> <vectorSize>")`);
  const header = buf.subarray(0, headerEnd).toString('utf8').trim().split(/\s+/);
  const V = Number(header[0]), D = Number(header[1]);
  if (header.length !== 2 || !Number.isInteger(V) || !Number.isInteger(D) || V < 0 || D < 1) {
    throw new FormatError(`${file}: line 1: expected "<numWords> <vectorSize>", got ${header.length} fields`);
  }
  // Check the sizes the header claims against the file before allocating V × D floats: a
  // truncated file, or a foreign one whose first line happens to hold two numbers.
  const body = buf.length - headerEnd - 1;
  // Binary: "w " and D floats per word; text: "w 0 ... 0\n", the last newline optional.
  const minBytes = V === 0 ? 0 : format === 'binary' ? V * (D * 4 + 2) : V * (2 * D + 2) - 1;
  if (body < minBytes) {
    throw new FormatError(`${file} is truncated or not a word2vec ${format} file: ${V} words × ${D} dimensions need at least ${minBytes} bytes after the header line, the file has ${body}`);
  }
  const words: string[] = [];
  const values = new Float32Array(V * D);
  if (format === 'text') {
    const lines = buf.subarray(headerEnd + 1).toString('utf8').split('\n');
    let w = 0;
    let lastLine = -1;
    for (let li = 0; li < lines.length && w < V; li++) {
      const line = (lines[li] as string).trimEnd();
      if (line === '') continue;
      const parts = line.split(' ');
      if (parts.length !== D + 1) throw new FormatError(`${file}: line ${li + 2}: expected a word and ${D} numbers, got ${parts.length} fields`);
      words.push(parts[0] as string);
      for (let d = 0; d < D; d++) {
        const x = Number(parts[d + 1]);
        if (!Number.isFinite(x)) throw new FormatError(`${file}: line ${li + 2}: value ${d + 1} is not a number`);
        values[w * D + d] = x;
      }
      w++;
      lastLine = li;
    }
    if (w !== V) throw new FormatError(`${file}: header says ${V} words, found ${w}`);
    const rest = lines.slice(lastLine + 1).join('').trim();
    if (rest !== '') throw new FormatError(`${file}: text after the ${V} words the header announces`);
  } else {
    let pos = headerEnd + 1;
    for (let w = 0; w < V; w++) {
      while (pos < buf.length && buf[pos] === 0x0a) pos++;
      const space = buf.indexOf(0x20, pos);
      if (space < 0 || space + 1 + D * 4 > buf.length) throw new FormatError(`${file}: truncated at word ${w + 1} of ${V} (byte ${pos})`);
      words.push(buf.subarray(pos, space).toString('utf8'));
      pos = space + 1;
      for (let d = 0; d < D; d++) values[w * D + d] = buf.readFloatLE(pos + d * 4);
      pos += D * 4;
    }
    while (pos < buf.length && buf[pos] === 0x0a) pos++;
    if (pos !== buf.length) throw new FormatError(`${file}: ${buf.length - pos} unexpected bytes after the ${V} words the header announces`);
  }
  return new WordVectors(words, values, D);
}
