/**
 * Finds CSV record boundaries on bytes, before fields are split. csv-parse does not recover from a
 * badly quoted row (after `"a"b` it stays inside quotes and swallows the rest of the file), so
 * this RFC 4180 state machine cuts the input into records itself, flags the badly quoted ones and
 * resynchronizes at the next line: a record that spans lines and is badly quoted, or that runs on
 * for more than maxRecordBytes past its first line (a quote never closed), costs its first line
 * only, and the lines after it are scanned again. So every line of the file ends up in some
 * record, whatever the file's size. Memory stays at about maxRecordBytes: a record's first line is
 * cut to a prefix (enough to find its id) once the record is over the limit.
 * Delimiter, quote and line feed are ASCII, so scanning bytes is safe with UTF-8 text.
 */
export type RecordProblem =
  /** A quote inside an unquoted field or text after a closing quote. */
  | 'quote'
  /** A quoted field still open at the end of the file, or running on past maxRecordBytes: only the first line is given. */
  | 'unclosed'
  /** The record is over maxRecordBytes; only a prefix of it is given. */
  | 'oversize'
  | null;

/** Receives each record as bytes[start, end) (terminator included) and its first line number. */
export type RecordSink = (bytes: Buffer, start: number, end: number, startLine: number, problem: RecordProblem) => void;

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Bytes kept of an oversize record, enough to find its id. */
const OVERSIZE_PREFIX_BYTES = 65536;
const EMPTY = Buffer.alloc(0);

export class CsvRecordSplitter {
  #quoted = false;
  #afterQuote = false;
  #fieldStart = true;
  #malformed = false;
  /** The line being scanned (1-based). */
  #line = 1;
  /** First line of the record being scanned. */
  #startLine = 1;
  // A record that runs past the end of a buffer is held as its first line (#head, cut to a prefix
  // once the record is over the limit) and the bytes after that line (#tail, at most the limit).
  #head: Buffer[] = [];
  #headBytes = 0;
  #headCut = false;
  /** The held bytes have not yet reached the end of the record's first line. */
  #inHead = true;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  /** Buffers waiting to be scanned, in order. */
  #pending: Buffer[] = [];
  #ended = false;

  /** `firstLine`: the number of the input's first line (a queued shard starts inside a file). */
  constructor(private readonly delimiter: number, private readonly maxRecordBytes: number, private readonly sink: RecordSink, firstLine = 1) {
    this.#line = firstLine;
    this.#startLine = firstLine;
  }

  /** Scans a chunk (and what it makes to be read again) at once. */
  push(chunk: Buffer): void {
    this.add(chunk);
    while (this.step());
  }

  /** End of input, at once. */
  end(): void {
    this.finish();
    while (this.step());
  }

  /**
   * Queues a chunk; step() scans it. Step by step, a caller can take the records of each buffer
   * before the next is scanned: a quote never closed sends up to maxRecordBytes back to be read
   * again, and that must not turn into a million records at once.
   */
  add(chunk: Buffer): void {
    this.#pending.push(chunk);
  }

  /** No more input: step() now also settles the record still open at the end. */
  finish(): void {
    this.#ended = true;
  }

  /** Scans one queued buffer (or, after finish(), settles the end); false when there is nothing left to do. */
  step(): boolean {
    const buf = this.#pending.shift();
    if (buf !== undefined) {
      const again = this.#scan(buf);
      if (again) this.#pending.unshift(...again);
      return true;
    }
    return this.#ended && this.#settleEnd();
  }

  /** At the end of input: a quote still open costs its first line, and the lines after it are read again. */
  #settleEnd(): boolean {
    if (this.#quoted) {
      if (this.#inHead) {
        // The open quote's line is the file's last: it is the whole record.
        const start = this.#startLine;
        const first = this.#headBuffer();
        this.#resetRecord();
        this.sink(first, 0, first.length, start, 'unclosed');
      } else {
        this.#pending.push(...this.#retry(EMPTY, 0, 'unclosed'));
      }
      return true;
    }
    if (this.#headBytes === 0 && this.#tailBytes === 0) return false;
    const again = this.#finish(EMPTY, 0, 0, false);
    if (again) this.#pending.push(...again);
    return true;
  }

  /** Scans one buffer; returns the buffers to scan before anything else when a record's lines must be read again. */
  #scan(buf: Buffer): Buffer[] | undefined {
    const delim = this.delimiter;
    let quoted = this.#quoted, afterQuote = this.#afterQuote, fieldStart = this.#fieldStart, malformed = this.#malformed;
    let recStart = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (quoted) {
        if (c === QUOTE) { quoted = false; afterQuote = true; } else if (c === LF) this.#line++;
        continue;
      }
      if (c === LF) {
        this.#malformed = malformed;
        const again = this.#finish(buf, recStart, i + 1, true);
        if (again) return again;
        recStart = i + 1;
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
    return recStart < buf.length ? this.#append(buf.subarray(recStart)) : undefined;
  }

  /**
   * The record ends at buf[to) (after its line feed when `terminated`). Gives it to the sink, or,
   * when it spans lines and is badly quoted or runs on past the limit, gives its first line and
   * returns what follows that line, to be scanned again.
   */
  #finish(buf: Buffer, from: number, to: number, terminated: boolean): Buffer[] | undefined {
    const multiLine = this.#line > this.#startLine;
    const held = this.#headBytes + this.#tailBytes;
    const size = held + (to - from);
    if (multiLine) {
      const runaway = size > this.maxRecordBytes && this.#tailSize(buf, from, to) > this.maxRecordBytes;
      if (runaway || this.#malformed) return this.#retry(buf, from, runaway ? 'unclosed' : 'quote');
    }
    if (terminated) this.#line++;
    const start = this.#startLine;
    const problem: RecordProblem = this.#headCut || size > this.maxRecordBytes ? 'oversize' : this.#malformed ? 'quote' : null;
    if (held === 0 && !this.#headCut) {
      this.#resetRecord();
      this.#startLine = this.#line;
      this.sink(buf, from, problem === 'oversize' ? Math.min(to, from + OVERSIZE_PREFIX_BYTES) : to, start, problem);
      return undefined;
    }
    const parts = [...this.#head, ...this.#tail, buf.subarray(from, to)];
    const bytes = problem === 'oversize' ? prefixOf(parts, OVERSIZE_PREFIX_BYTES) : Buffer.concat(parts, size);
    this.#resetRecord();
    this.#startLine = this.#line;
    this.sink(bytes, 0, bytes.length, start, problem);
    return undefined;
  }

  /** Bytes of the record after its first line, were it to end at buf[to). */
  #tailSize(buf: Buffer, from: number, to: number): number {
    if (!this.#inHead) return this.#tailBytes + (to - from);
    const nl = buf.indexOf(LF, from);
    return nl < 0 || nl >= to ? 0 : to - (nl + 1);
  }

  /**
   * Gives the record's first line to the sink with `problem` and returns the rest of the record
   * (and of buf) to be scanned again, from the line after it.
   */
  #retry(buf: Buffer, from: number, problem: RecordProblem): Buffer[] {
    let rest: Buffer[];
    if (this.#inHead) {
      const nl = buf.indexOf(LF, from);
      this.#addHead(buf.subarray(from, nl + 1));
      rest = [buf.subarray(nl + 1)];
    } else {
      rest = this.#tail;
      rest.push(buf.subarray(from));
    }
    const start = this.#startLine;
    const first = this.#headBuffer();
    this.#resetRecord();
    this.#line = start + 1;
    this.#startLine = start + 1;
    this.sink(first, 0, first.length, start, problem);
    return rest;
  }

  /** Holds the unfinished record's bytes at the end of a buffer. */
  #append(piece: Buffer): Buffer[] | undefined {
    if (this.#inHead) {
      const nl = piece.indexOf(LF);
      if (nl < 0) { this.#addHead(piece); return undefined; }
      this.#addHead(piece.subarray(0, nl + 1));
      this.#inHead = false;
      piece = piece.subarray(nl + 1);
    }
    if (piece.length > 0) {
      this.#tail.push(piece);
      this.#tailBytes += piece.length;
    }
    if (this.#tailBytes > this.maxRecordBytes) return this.#retry(EMPTY, 0, 'unclosed');
    if (!this.#headCut && this.#headBytes + this.#tailBytes > this.maxRecordBytes) this.#cutHead();
    return undefined;
  }

  #addHead(piece: Buffer): void {
    if (this.#headCut) {
      // Past the limit only the prefix is kept (a copy, so that the large buffers can be freed).
      const room = OVERSIZE_PREFIX_BYTES - this.#headBytes;
      if (room > 0 && piece.length > 0) {
        const kept = Buffer.from(piece.subarray(0, room));
        this.#head.push(kept);
        this.#headBytes += kept.length;
      }
      return;
    }
    this.#head.push(piece);
    this.#headBytes += piece.length;
    if (this.#headBytes + this.#tailBytes > this.maxRecordBytes) this.#cutHead();
  }

  /** The record is over the limit: whatever becomes of it, only its id is needed from its first line. */
  #cutHead(): void {
    const prefix = prefixOf(this.#head, OVERSIZE_PREFIX_BYTES);
    this.#head = [prefix];
    this.#headBytes = prefix.length;
    this.#headCut = true;
  }

  #headBuffer(): Buffer {
    return this.#head.length === 1 ? this.#head[0]! : Buffer.concat(this.#head, this.#headBytes);
  }

  #resetRecord(): void {
    this.#head = [];
    this.#headBytes = 0;
    this.#headCut = false;
    this.#inHead = true;
    this.#tail = [];
    this.#tailBytes = 0;
    this.#quoted = false;
    this.#afterQuote = false;
    this.#fieldStart = true;
    this.#malformed = false;
  }
}

/** A copy of the first n bytes of parts (a copy, so that the large buffers can be freed). */
function prefixOf(parts: Buffer[], n: number): Buffer {
  const out: Buffer[] = [];
  let bytes = 0;
  for (const p of parts) {
    if (bytes >= n) break;
    const take = p.subarray(0, n - bytes);
    out.push(take);
    bytes += take.length;
  }
  return Buffer.from(Buffer.concat(out, bytes));
}
