import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../util/rng.js';
import { collect, hl7Message, syntheticReport } from '../../testing/report-exports.js';
import { readReports, type SourceItem } from './source.js';
import { unescapeHl7 } from './hl7.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-hl7-'));

function summary(items: SourceItem[]): string[] {
  return items.map((it) => (it.ok ? `ok ${it.record.recordId}` : `${it.rejected.code} ${it.rejected.recordId} @${it.rejected.location}`));
}

test('HL7 ORU^R01: OBX text unescaped and joined, metadata from PID and OBR; CR, LF and CRLF segment ends', async () => {
  const rng = new Rng(8);
  const reports = Array.from({ length: 3 }, (_, i) => syntheticReport(rng, i));
  reports[0]!.findings = 'Nodule | 5 mm ^ stable & small ~ ok \\ done\nSecond line.';
  const messages = reports.map((r) => hl7Message(r));
  const file = path.join(tmp, 'msgs.hl7');
  writeFileSync(file, messages[0]! + messages[1]!.replace(/\r/g, '\n') + messages[2]!.replace(/\r/g, '\r\n'));
  const items = await collect(readReports(file));
  assert.equal(items.length, 3);
  items.forEach((it, i) => {
    const r = reports[i]!;
    assert.ok(it.ok);
    assert.deepEqual(it.record, {
      recordId: r.id, text: `${r.findings}\n${r.impression}`, location: `msgs.hl7:message ${i + 1}`,
      accession: r.id, patientId: r.patientId, modality: r.modality, examDate: r.examDate,
    });
  });
});

test('HL7: custom encoding characters from MSH-2, FT repetitions, MSH-10 as id when OBR-3 is empty', async () => {
  const msg = [
    'MSH#:*%!#RIS#X#Y#Z#20200101##ORU:R01#CTRL-1#P#2.3',
    'PID#1##PAT-7:::H',
    'OBR#1###CT:CT ABDOMEN#######',
    'OBX#1#FT#F##first%F%part%.br%second*third',
    'OBX#2#NM#SIZE##12',
  ].join('\r');
  const file = path.join(tmp, 'custom.txt');
  writeFileSync(file, msg);
  const items = await collect(readReports(file));
  assert.equal(items.length, 1);
  const it = items[0]!;
  assert.ok(it.ok);
  assert.deepEqual(it.record, { recordId: 'CTRL-1', text: 'first#part\nsecond\nthird', location: 'custom.txt:message 1', patientId: 'PAT-7', modality: 'CT' });
});

test('HL7: malformed messages are rejected one by one and the run goes on', async () => {
  const rng = new Rng(9);
  const r = (i: number) => syntheticReport(rng, i);
  const adt = 'MSH|^~\\&|A|B|C|D|20200101||ADT^A01|ADT1|P|2.5\rPID|1||P1\r';
  const noText = 'MSH|^~\\&|A|B|C|D|20200101||ORU^R01|NOTEXT|P|2.5\rOBR|1||ACC9\rOBX|1|NM|X||5\r';
  const noId = 'MSH|^~\\&|A|B|C|D|20200101||ORU^R01||P|2.5\rOBX|1|TX|X||text\r';
  const badUtf8 = Buffer.concat([Buffer.from('MSH|^~\\&|A|B|C|D|20200101||ORU^R01|BAD|P|2.5\rOBX|1|TX|X||caf'), Buffer.from([0xe9]), Buffer.from('\r')]);
  const big = hl7Message(r(5)).replace('OBX|2|TX|IMP^Impression^L||', `OBX|2|TX|IMP^Impression^L||${'v'.repeat(10 * 1024 * 1024)}`);
  const file = path.join(tmp, 'bad.hl7');
  writeFileSync(file, Buffer.concat([
    Buffer.from('PID|1||ORPHAN\r'),
    Buffer.from(hl7Message(r(0))),
    Buffer.from(adt), Buffer.from(noText), Buffer.from(noId), badUtf8, Buffer.from(big),
    Buffer.from(hl7Message(r(6))),
  ]));
  const items = await collect(readReports(file));
  assert.deepEqual(summary(items), [
    'HL7_INVALID  @bad.hl7:before message 1',
    'ok R0',
    'HL7_INVALID ADT1 @bad.hl7:message 2',
    'EMPTY ACC9 @bad.hl7:message 3',
    'NO_ID  @bad.hl7:message 4',
    'BAD_UTF8 BAD @bad.hl7:message 5',
    'TOO_LARGE R5 @bad.hl7:message 6',
    'ok R6',
  ]);
  for (const it of items) if (!it.ok) assert.ok(!it.rejected.reason.includes('ORPHAN'));
});

test('HL7 unescaping keeps unknown sequences and a lone escape character', () => {
  const enc = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
  assert.equal(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\X4142\\\\Q\\ h\\', enc), 'a|b^c&d~e\\f\ngAB\\Q\\ h\\');
  assert.equal(unescapeHl7('\\H\\bold\\N\\', enc), 'bold');
});
