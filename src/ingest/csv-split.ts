/**
 * Finds CSV record boundaries on bytes, before csv-parse sees them. csv-parse does not recover
 * from a badly quoted row (after `"a"b` it stays inside quotes and swallows the rest of the
 * file), so this RFC 4180 state machine cuts the input into records itself, flags the badly
 * quoted ones (they never reach csv-parse) and resynchronizes at the next line.
 * Delimiter, quote and line feed are ASCII, so scanning bytes is safe with UTF-8 text.
 */
export type RecordProblem = 'quote' | 'oversize' | null;

/** Receives each record as bytes[start, end) (terminator included) and its first line number. */
export type RecordSink = (bytes: Buffer, start: number, end: number, startLine: number, problem: RecordProblem) => void;

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Bytes kept of an oversize record, enough to find its id. */
const OVERSIZE_PREFIX_BYTES = 65536;
const all0 = Buffer.alloc(0);

export class CsvRecordSplitter {
  #parts: Buffer[] = [];
  #partsBytes = 0;
  #quoted = false;
  #afterQuote = false;
  #fieldStart = true;
  #malformed = false;
  #oversize = false;
  #line = 1;
  #startLine = 1;

  constructor(private readonly delimiter: number, private readonly maxRecordBytes: number, private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    const delim = this.delimiter;
    let buf = chunk;
    let quoted = this.#quoted, afterQuote = this.#afterQuote, fieldStart = this.#fieldStart, malformed = this.#malformed;
    let recStart = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (quoted) {
        if (c === QUOTE) { quoted = false; afterQuote = true; } else if (c === LF) this.#line++;
        continue;
      }
      if (c === LF) {
        this.#line++;
        if (malformed && !this.#oversize && this.#line - this.#startLine > 1) {
          // A badly quoted record that spans lines: its quotes are not to be trusted, so only its
          // first line is rejected and scanning starts again on the next line.
          if (this.#partsBytes > 0) {
            buf = Buffer.concat([...this.#parts, buf.subarray(recStart)]);
            i -= recStart - this.#partsBytes;
            recStart = 0;
            this.#parts = [];
            this.#partsBytes = 0;
          }
          const nl = buf.indexOf(LF, recStart);
          const start = this.#startLine;
          this.#line = start + 1;
          this.#startLine = start + 1;
          this.sink(buf, recStart, nl + 1, start, 'quote');
          recStart = nl + 1;
          i = nl;
        } else {
          this.#malformed = malformed;
          this.#emit(buf, recStart, i + 1);
          recStart = i + 1;
        }
        quoted = false; afterQuote = false; fieldStart = true; malformed = false;
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === QUOTE) { quoted = true; continue; } // "" inside a quoted field
        if (c === delim) { fieldStart = true; continue; }
        if (c === CR) { afterQuote = true; continue; } // CRLF after a closing quote
        malformed = true; fieldStart = false; // text after a closing quote
        continue;
      }
      if (c === delim) { fieldStart = true; continue; }
      if (c === QUOTE) {
        if (fieldStart) quoted = true; else malformed = true; // a quote inside an unquoted field
        fieldStart = false;
        continue;
      }
      fieldStart = false;
    }
    this.#quoted = quoted; this.#afterQuote = afterQuote; this.#fieldStart = fieldStart; this.#malformed = malformed;
    if (recStart < buf.length) this.#append(buf.subarray(recStart));
  }

  /** End of input. A quote still open here is reported on its first line, and the lines after it are read again. */
  end(): void {
    while (this.#quoted && !this.#oversize) {
      const all = Buffer.concat(this.#parts, this.#partsBytes);
      const nl = all.indexOf(LF);
      const start = this.#startLine;
      this.#reset();
      this.sink(all, 0, nl < 0 ? all.length : nl + 1, start, 'quote');
      if (nl < 0) return;
      this.#line = start + 1;
      this.#startLine = start + 1;
      this.push(all.subarray(nl + 1));
    }
    if (this.#partsBytes === 0 && !this.#oversize) return;
    if (this.#quoted) this.#malformed = true;
    this.#emit(all0, 0, 0);
  }

  #append(piece: Buffer): void {
    if (this.#oversize) return;
    if (this.#partsBytes + piece.length > this.maxRecordBytes) {
      this.#oversize = true;
      const prefix = Buffer.concat([...this.#parts, piece]).subarray(0, OVERSIZE_PREFIX_BYTES);
      this.#parts = [Buffer.from(prefix)];
      this.#partsBytes = this.#parts[0]!.length;
      return;
    }
    this.#parts.push(piece);
    this.#partsBytes += piece.length;
  }

  #emit(buf: Buffer, from: number, to: number): void {
    const problem: RecordProblem = this.#oversize ? 'oversize' : this.#malformed ? 'quote' : null;
    const startLine = this.#startLine;
    if (this.#partsBytes === 0 && !this.#oversize) {
      this.#reset();
      this.#startLine = this.#line;
      this.sink(buf, from, to, startLine, problem);
      return;
    }
    if (to > from) this.#append(buf.subarray(from, to));
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#partsBytes);
    const oversize = this.#oversize;
    this.#reset();
    this.#startLine = this.#line;
    this.sink(bytes, 0, bytes.length, startLine, oversize ? 'oversize' : problem);
  }

  #reset(): void {
    this.#parts = [];
    this.#partsBytes = 0;
    this.#quoted = false;
    this.#afterQuote = false;
    this.#fieldStart = true;
    this.#malformed = false;
    this.#oversize = false;
  }
}
