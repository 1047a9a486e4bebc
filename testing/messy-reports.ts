/**
 * Test support: report files full of trouble, for the queued ingest's tests (shards must read
 * back as the whole file, and the queue must store what in-process ingest stores): quoted line
 * breaks, badly quoted and never-closed quotes, ragged rows, empty texts, duplicate ids, blank
 * lines, CRLF, a BOM; bad JSON lines and no final line feed. Some reports name "Dr. Zqxmarker",
 * which de-identification replaces: a marker for original text.
 */

/** A CSV with every kind of trouble the reader knows, records spread over lines. */
export function messyCsv(n: number): string {
  const rows = ['\uFEFFid,patient_id,report'];
  for (let i = 1; i <= n; i++) {
    const id = `R${i}`;
    switch (i % 9) {
      case 0: rows.push(`${id},P${i},"Line one of ${id}.\nLine two, with a comma.\r\nLine three ""quoted""."`); break;
      case 1: rows.push(''); rows.push(`${id},P${i},Plain report ${i} seen by Dr. Zqxmarker on 03/04/2020.`); break;
      case 2: rows.push(`${id},P${i},"bad "quote" in ${id}"\nnext line of it`); break;
      case 3: rows.push(`${id},P${i},too,many,fields`); break;
      case 4: rows.push(`R${i - 3},P${i},A duplicate id, quoted? no.`.replace(', quoted? no.', ' again.')); break;
      case 5: rows.push(`${id},P${i},"Multi\n\nline with a blank line inside"\r`); break;
      case 6: rows.push(`${id},P${i},`); break;
      // Spans lines, then text after the closing quote: the first line is rejected and the lines after it read again.
      case 7: rows.push(`${id},P${i},"opens here\nR${i}b,P${i},spans "x" lines\nR${i}c,P${i},and ends.`); break;
      default: rows.push(`${id},P${i},Series 3 image 12 shows a nodule in report ${i}.`);
    }
  }
  // A quote that never closes, near the end: it costs its first line only.
  rows.push(`R${n + 1},P0,"never closed`);
  rows.push(`R${n + 2},P0,after the unclosed quote.`);
  return rows.join('\n') + '\n';
}

export function messyJsonl(n: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `J${i}`;
    switch (i % 7) {
      case 0: lines.push('{"id": "broken'); break;
      case 1: lines.push(''); lines.push(JSON.stringify({ id, report: `Report ${i}: Dr. Zqxmarker saw series 2 image ${i}.` })); break;
      case 2: lines.push('[1, 2]'); break;
      case 3: lines.push(JSON.stringify({ id: `J${i - 2}`, report: 'duplicate' })); break;
      case 4: lines.push(JSON.stringify({ id, report: '' })); break;
      default: lines.push(JSON.stringify({ id, patient_id: `P${i}`, report: `Line\nbreak in report ${i}.` }));
    }
  }
  return lines.join('\n'); // no final line feed
}
