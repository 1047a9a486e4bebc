/**
 * HL7 v2 ORU^R01 result messages, streamed from a file of messages. Segments end in CR (also LF
 * or CRLF); each MSH segment starts a message. The encoding characters come from MSH-1/MSH-2.
 * Text is the OBX-5 values of OBX segments of value type TX, FT or ST, unescaped (\F\ \S\ \T\
 * \R\ \E\, \.br\ = line break), one line per repetition and per segment.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { readLines, isBlank } from './lines.js';
import { finishRecord, reject, withMeta } from './record.js';
import type { ResolvedSourceOptions, SourceItem, SourceRecord } from './source.js';

type Resolved = ResolvedSourceOptions;

const TEXT_VALUE_TYPES = new Set(['TX', 'FT', 'ST']);
/** DICOM modality codes recognised as a word of OBR-4 when OBR-24 is empty. */
const MODALITY_CODES = new Set(['CR', 'CT', 'MR', 'DX', 'US', 'NM', 'PT', 'XA', 'MG', 'RF', 'OT']);

interface Pending {
  segments: string[];
  bytes: number;
  badUtf8: boolean;
  oversize: boolean;
}

export async function* readHl7(file: string, options: Resolved): AsyncGenerator<SourceItem> {
  const name = path.basename(file);
  const limit = options.maxRecordBytes;
  let pending: Pending | undefined;
  let messageNo = 0;
  const finish = (p: Pending, n: number): SourceItem =>
    parseMessage(p, n === 0 ? `${name}:before message 1` : `${name}:message ${n}`, options);
  for await (const line of readLines(file, limit, true)) {
    if (!line.oversize && isBlank(line.bytes)) continue;
    const startsMsh = line.bytes.length >= 3 && line.bytes[0] === 77 && line.bytes[1] === 83 && line.bytes[2] === 72;
    if (startsMsh || pending === undefined) {
      if (pending) yield finish(pending, messageNo);
      if (startsMsh) messageNo++;
      pending = { segments: [], bytes: 0, badUtf8: false, oversize: false };
    }
    if (line.oversize) { pending.oversize = true; continue; }
    if (!isUtf8(line.bytes)) pending.badUtf8 = true;
    const isObx = line.bytes[0] === 79 && line.bytes[1] === 66 && line.bytes[2] === 88;
    if (pending.bytes + line.bytes.length > limit) {
      pending.oversize = true;
      if (isObx) continue; // drop text, keep the header segments that name the message
    }
    pending.segments.push(line.bytes.toString('utf8'));
    pending.bytes += line.bytes.length;
  }
  if (pending) yield finish(pending, messageNo);
}

interface Encoding { field: string; component: string; repetition: string; escape: string; subcomponent: string }

function parseMessage(p: Pending, location: string, options: Resolved): SourceItem {
  const maxReportBytes = options.maxReportBytes;
  const msh = p.segments[0] ?? '';
  if (!msh.startsWith('MSH')) {
    return reject('', location, 'HL7_INVALID', 'segments before the first MSH segment (no message header)');
  }
  if (msh.length < 8) return reject('', location, 'HL7_INVALID', 'MSH segment is too short to hold its encoding characters');
  const fs = msh[3]!;
  const encEnd = msh.indexOf(fs, 4);
  const chars = msh.slice(4, encEnd < 0 ? undefined : encEnd);
  const enc: Encoding = { field: fs, component: chars[0] ?? '^', repetition: chars[1] ?? '~', escape: chars[2] ?? '\\', subcomponent: chars[3] ?? '&' };
  const mshFields = msh.split(fs); // mshFields[n - 1] is MSH-n: MSH-1 is the separator itself
  let pid: string[] | undefined, obr: string[] | undefined;
  const obx: string[][] = [];
  for (let i = 1; i < p.segments.length; i++) {
    const s = p.segments[i]!;
    if (s[3] !== fs) continue;
    const id = s.slice(0, 3);
    if (id === 'OBX') obx.push(s.split(fs));
    else if (id === 'OBR') obr ??= s.split(fs);
    else if (id === 'PID') pid ??= s.split(fs);
  }
  const controlId = first(mshFields[9], enc);
  const filler = first(obr?.[3], enc);
  const recordId = filler || controlId;
  if (p.oversize) return reject(recordId, location, 'TOO_LARGE', `message is over ${options.maxRecordBytes} bytes (maxRecordBytes)`);
  if (p.badUtf8) return reject(recordId, location, 'BAD_UTF8', 'message is not valid UTF-8');
  const type = (mshFields[8] ?? '').split(enc.component);
  if (type[0] !== 'ORU' || type[1] !== 'R01') {
    return reject(recordId, location, 'HL7_INVALID', wrongTypeReason(type[0] ?? '', type[1] ?? ''));
  }
  if (!recordId) return reject('', location, 'NO_ID', 'message has neither OBR-3 (filler order number) nor MSH-10 (message control id)');
  let text = '';
  for (const f of obx) {
    if (!TEXT_VALUE_TYPES.has(f[2] ?? '')) continue;
    const value = f[5];
    if (!value) continue;
    for (const rep of value.split(enc.repetition)) {
      const line = unescapeHl7(rep, enc);
      text = text ? `${text}\n${line}` : line;
    }
  }
  text = text.trim();
  if (!text) return reject(recordId, location, 'EMPTY', 'message has no OBX segment with text (value type TX, FT or ST)');
  const record: SourceRecord = { recordId, text, location };
  const accession = filler || first(obr?.[2], enc) || first(obr?.[18], enc);
  withMeta(record, accession, first(pid?.[3], enc), modalityOf(obr, enc), first(obr?.[7], enc));
  return finishRecord(record, maxReportBytes, 'message');
}

/** HL7 v2 message type codes (MSH-9.1), the ones a message type may be quoted as. */
const MESSAGE_TYPES = new Set(('ACK ADR ADT BAR BPS BRP BRT BTS CCF CCI CCM CCQ CCR CCU CQU CRM CSU DBC DBU DEL DEO DER DFT ' +
  'DOC DPR DRC DRG DSR EAC EAN EAR EHC ESR ESU INR INU LSR LSU MDM MFD MFK MFN MFQ MFR NMD NMQ NMR OMB OMD OMG OMI OML ' +
  'OMN OMP OMQ OMS OPL OPR OPU ORA ORB ORD ORF ORG ORI ORL ORM ORN ORP ORR ORS ORU ORX OSM OSQ OSR OSU OUL PEX PGL PIN PMU ' +
  'PPG PPP PPR PPT PPV PRR PTR QBP QCK QCN QRY QSB QSX QVR RAR RAS RCI RCL RDE RDR RDS RDY REF RER RGR RGV ROR RPA RPI RPL ' +
  'RPR RQA RQC RQI RQP RRA RRD RRE RRG RRI RSP RTB SCN SDN SDR SIU SLN SLR SMD SQM SQR SRM SRR SSR SSU STC STI SUR TBR TCR ' +
  'TCU UDM VXQ VXR VXU VXX').split(' '));

/**
 * Why a message is not ORU^R01. MSH-9 is quoted only when it is a known message type with an event
 * code (ADT^A01), which cannot carry patient data; anything else is not repeated.
 */
function wrongTypeReason(code: string, event: string): string {
  if (MESSAGE_TYPES.has(code) && (event === '' || /^[A-Z]\d{2}$/.test(event))) {
    return `message type (MSH-9) is '${code}${event ? `^${event}` : ''}', not ORU^R01`;
  }
  if (code === '' && event === '') return 'message type (MSH-9) is empty, not ORU^R01';
  return 'message type (MSH-9) is not a known HL7 message type (so not shown here), not ORU^R01';
}

/** First component of the first repetition, unescaped. */
function first(field: string | undefined, enc: Encoding): string {
  if (!field) return '';
  const rep = field.indexOf(enc.repetition);
  const head = rep < 0 ? field : field.slice(0, rep);
  const comp = head.indexOf(enc.component);
  return unescapeHl7(comp < 0 ? head : head.slice(0, comp), enc).trim();
}

function modalityOf(obr: string[] | undefined, enc: Encoding): string | undefined {
  if (!obr) return undefined;
  const section = first(obr[24], enc);
  if (section) return section;
  for (const comp of (obr[4] ?? '').split(enc.component)) {
    const word = unescapeHl7(comp, enc).trim().split(/[\s^]+/, 1)[0]?.toUpperCase() ?? '';
    if (MODALITY_CODES.has(word)) return word;
  }
  return undefined;
}

/** HL7 escape sequences: \F\ \S\ \T\ \R\ \E\, \.br\ and \.sp\ (line breaks), \Xhh..\ (bytes); formatting ones are dropped. */
export function unescapeHl7(value: string, enc: Encoding): string {
  const e = enc.escape;
  if (value.indexOf(e) < 0) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const j = value.indexOf(e, i);
    if (j < 0) { out += value.slice(i); break; }
    out += value.slice(i, j);
    const k = value.indexOf(e, j + 1);
    if (k < 0) { out += value.slice(j); break; } // a lone escape character stays as it is
    const seq = value.slice(j + 1, k);
    switch (seq) {
      case 'F': out += enc.field; break;
      case 'S': out += enc.component; break;
      case 'T': out += enc.subcomponent; break;
      case 'R': out += enc.repetition; break;
      case 'E': out += e; break;
      case '.br': out += '\n'; break;
      case 'H': case 'N': break;
      default:
        if (seq.startsWith('.sp')) out += '\n';
        else if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) out += Buffer.from(seq.slice(1), 'hex').toString('utf8');
        else if (/^\.(in|ti|sk|fi|nf|ce)/.test(seq)) { /* formatting: no text */ }
        else out += e + seq + e;
    }
    i = k + 1;
  }
  return out;
}
