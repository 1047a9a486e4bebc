/**
 * Splits one well-formed CSV record (as checked by CsvRecordSplitter) into its fields: quoted
 * fields are unquoted and "" becomes ". Works on the decoded string; delimiter and quote are ASCII,
 * so they can never be part of a multi-byte character.
 */
const QUOTE = 34;

export function splitCsvFields(s: string, delimiter: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    if (s.charCodeAt(i) !== QUOTE) {
      const d = s.indexOf(delimiter, i);
      if (d < 0) { out.push(s.slice(i)); return out; }
      out.push(s.slice(i, d));
      i = d + 1;
      continue;
    }
    let value = '';
    let j = i + 1;
    for (;;) {
      const q = s.indexOf('"', j);
      if (q < 0) { value += s.slice(j); j = n; break; }
      value += s.slice(j, q);
      if (s.charCodeAt(q + 1) === QUOTE) { value += '"'; j = q + 2; continue; }
      j = q + 1;
      break;
    }
    out.push(value);
    // After a closing quote comes the delimiter or the end (the splitter has rejected anything else).
    const d = j < n ? s.indexOf(delimiter, j) : -1;
    if (d < 0) return out;
    i = d + 1;
  }
}
