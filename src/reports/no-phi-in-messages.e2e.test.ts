/**
 * The real CLI on bad input in every format, with a canary standing for patient data in every
 * cell, field and segment: `pacsmine ingest` (and --strict) and `pacsmine rejects` must never
 * print it, on stdout or stderr, whatever they reject or refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
const C = 'ZZCANARY Smith MRN 12345678';
const PARTS = ['ZZCANARY', 'Smith', '12345678'];

function pacsmine(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function assertClean(what: string, out: string): void {
  for (const p of PARTS) assert.ok(!out.includes(p), `${what} printed the input:\n${out}`);
}

/** Ingests `file` with the CLI into `ws`, checks the count of rejects and that nothing printed the canary. */
function ingest(ws: string, file: string, extra: string[], rejected: number): number {
  const r = pacsmine(['ingest', file, '--workspace', ws, '--workers', '0', ...extra]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`(\\d+) records: \\d+ ingested, ${rejected} rejected`), r.out);
  assertClean(`ingest ${path.basename(file)}`, r.out);
  return rejected;
}

test('pacsmine ingest and rejects never print report contents, in any format', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-nophi-cli-'));
  try {
    const put = (name: string, content: string | Buffer): string => {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    };

    // CSV without a header row: a usage error that names counts and line, not the first row.
    const headerless = pacsmine(['ingest', put('headerless.csv', `R1,${C},${C}\nR2,${C},${C}\n`), '--workspace', path.join(dir, 'ws-h')]);
    assert.equal(headerless.status, 2, headerless.out);
    assert.match(headerless.out, /headerless\.csv:line 1: the CSV header has 3 columns and none named 'id' or 'report_id'/);
    assertClean('ingest of a header-less CSV', headerless.out);
    const named = pacsmine(['ingest', path.join(dir, 'headerless.csv'), '--workspace', path.join(dir, 'ws-h'), '--id-column', 'uid', '--text-columns', 'findings,impression']);
    assert.equal(named.status, 2, named.out);
    assertClean('ingest of a header-less CSV with named columns', named.out);

    const ws = path.join(dir, 'ws');
    let rejected = 0;
    // CSV rows of every kind of bad, and a duplicate id; once more with --strict, which stops at the first.
    const rows = put('rows.csv', Buffer.from([
      'id,text,other', `r1,${C},${C},${C}`, C, `r3,"${C}"${C},x`, `r4,${C}"${C},x`, `r5,${C} \xff,x`, `r6,,${C}`, `,${C},x`,
      `r8,"${'x'.repeat(2000)} ${C}",x`, `"${C}","${C}`, `${C},${C}`, 'r11,Normal chest.,x', `r11,${C},x`,
    ].join('\n') + '\n', 'latin1'));
    rejected += ingest(ws, rows, ['--max-report-bytes', '1000'], 11);
    const strict = pacsmine(['ingest', rows, '--workspace', path.join(dir, 'ws-strict'), '--workers', '0', '--strict']);
    assert.equal(strict.status, 1, strict.out);
    assert.match(strict.out, /rows\.csv:line 2: record 'r1' rejected \(CSV_RAGGED\)/);
    assertClean('ingest --strict', strict.out);

    // JSON Lines.
    rejected += ingest(ws, put('r.jsonl', Buffer.from([
      `{"id": "j1", "text": ${C}}`, C, `{"id": "j3", "text": "${C}`, JSON.stringify(C), `{"id": "j5", "text": "${C} \xff"}`,
      JSON.stringify({ id: 'j6', findings: C }), JSON.stringify({ text: C }), JSON.stringify({ id: 'j8', text: 'Normal chest.' }),
    ].join('\n') + '\n', 'latin1')), [], 7);

    // A folder of .txt files.
    put('txt/a.txt', Buffer.from(`${C} caf\xe9`, 'latin1'));
    put('txt/b.txt', '\u0000 \n');
    put('txt/c.txt', `${'x'.repeat(2000)} ${C}`);
    put('txt/d.txt', 'Normal chest.');
    rejected += ingest(ws, path.join(dir, 'txt'), ['--max-report-bytes', '1000'], 3);

    // FHIR NDJSON, and a Bundle file whose type is misspelled.
    rejected += ingest(ws, put('r.ndjson', [
      `{"resourceType": "DiagnosticReport", "id": "f1", "conclusion": ${C}}`,
      JSON.stringify({ resourceType: C, id: 'f2', conclusion: C }),
      JSON.stringify({ resourceType: 'DiagnosticReprt', id: 'f3', conclusion: C }),
      JSON.stringify({ resourceType: 'DiagnosticReport', id: 'f4', conclusion: C, presentedForm: C }),
      JSON.stringify({ id: 'f5', conclusion: C }),
      JSON.stringify({ resourceType: 'DiagnosticReport', id: 'f6', conclusion: 'Normal chest.' }),
    ].join('\n') + '\n'), ['--format', 'fhir'], 5);
    rejected += ingest(ws, put('bundel.json', JSON.stringify({ resourceType: 'Bundel', id: 'b1', entry: [{ resource: { resourceType: 'DiagnosticReport', id: 'f7', conclusion: C } }] })), [], 1);
    rejected += ingest(ws, put('broken.json', `{"resourceType": "Bundle", "entry": [{"resource": ${C}`), [], 1);

    // HL7.
    const msh = (type: string, control = 'CTRL') => `MSH|^~\\&|A|B|C|D|20200101||${type}|${control}|P|2.5`;
    rejected += ingest(ws, put('r.hl7', Buffer.from([
      `${C}\rPID|1||${C}`, `${msh(C)}\rOBR|1||h2\rOBX|1|TX|F||${C}`, `${msh('ORU^R01')}\rOBR|1||h3\rOBX|1|TX|F||${C} caf\xe9`,
      `${msh('ORU^R01')}\rOBR|1||h4\rOBX|1|NM|F||${C}`, `${msh('ORU^R01', '')}\rPID|1||${C}\rOBX|1|TX|F||${C}`,
      `${msh('ORU^R01')}\rOBR|1||h6\rOBX|1|TX|F||Normal chest.`,
    ].join('\r') + '\r', 'latin1')), [], 5);

    // Every reject of every format, listed.
    for (const args of [['rejects', '--workspace', ws], ['rejects', '--workspace', ws, '--json']]) {
      const r = pacsmine(args);
      assert.equal(r.status, 0, r.out);
      assertClean(args.join(' '), r.out);
      if (args.includes('--json')) assert.equal((JSON.parse(r.out.split('\n')[0]!) as unknown[]).length, rejected);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
