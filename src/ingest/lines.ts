/**
 * Splits a file into lines on Buffers, streaming: a line is handed out as bytes (so that each
 * line's UTF-8 is checked on its own and one bad byte spoils only its line). A line longer than
 * maxLineBytes is not kept: it comes out once, empty, with `oversize` set, so memory stays bounded.
 */
import { createReadStream } from 'node:fs';

export interface Line {
  /** The line's bytes without its terminator (a trailing CR of CRLF is dropped too). */
  bytes: Buffer;
  /** 1-based line number. */
  lineNo: number;
  /** The line was longer than maxLineBytes; bytes is empty. */
  oversize: boolean;
}

const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

/**
 * A part of a file that starts at a line: bytes [start, end) (end: the file's end when absent),
 * its first line numbered `line`. A queued ingest shard (src/queue/ingest-split.ts).
 */
export interface ByteRange {
  start: number;
  end?: number;
  line: number;
}

/**
 * Lines of a file (or of a range of it that starts at a line). With `crIsBreak` a lone CR also
 * ends a line (HL7 segments); CRLF then gives an extra empty line, which HL7 skips anyway.
 */
export async function* readLines(file: string, maxLineBytes: number, crIsBreak = false, range?: ByteRange): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let oversize = false;
  let lineNo = range ? range.line - 1 : 0;
  // createReadStream's end is inclusive; an empty range reads nothing.
  if (range?.end !== undefined && range.end <= range.start) return;
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024, ...(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end - 1 } : {}) } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let pos = 0;
    let nextLf = -2;
    let nextCr = -2;
    const len = chunk.length;
    while (pos < len) {
      if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
      let end = nextLf;
      if (crIsBreak) {
        if (nextCr !== -1 && nextCr < pos) nextCr = chunk.indexOf(CR, pos);
        if (nextCr !== -1 && (end === -1 || nextCr < end)) end = nextCr;
      }
      if (end === -1) {
        const rest = len - pos;
        if (!oversize && carryBytes + rest > maxLineBytes) { oversize = true; carry = []; carryBytes = 0; }
        if (!oversize) { carry.push(chunk.subarray(pos)); carryBytes += rest; }
        break;
      }
      let bytes: Buffer;
      if (oversize) {
        bytes = EMPTY;
      } else if (carryBytes > 0) {
        carry.push(chunk.subarray(pos, end));
        bytes = Buffer.concat(carry, carryBytes + end - pos);
      } else {
        bytes = chunk.subarray(pos, end);
      }
      if (!oversize && bytes.length > maxLineBytes) { oversize = true; bytes = EMPTY; }
      if (!crIsBreak && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      lineNo++;
      yield { bytes, lineNo, oversize };
      carry = [];
      carryBytes = 0;
      oversize = false;
      pos = end + 1;
    }
  }
  if (carryBytes > 0 || oversize) {
    let bytes = oversize ? EMPTY : Buffer.concat(carry, carryBytes);
    if (!crIsBreak && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    lineNo++;
    yield { bytes, lineNo, oversize };
  }
}

/** True when the bytes hold only ASCII blanks (a line that is no record). */
export function isBlank(bytes: Buffer, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}
