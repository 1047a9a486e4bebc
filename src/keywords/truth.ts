/**
 * The synthetic archive's ground truth as words per key image: each key image shows one finding,
 * and the words the report writer always uses for that finding's type (src/sample/generate.ts
 * FINDING_KEYWORDS: "mass", "lymph node", "disc protrusion", ...) are the words its keywords are
 * scored against, besides the disease words of its sentences.
 */
import { readFileSync } from 'node:fs';
import { FINDING_KEYWORDS } from '../sample/generate.js';
import type { FindingType } from '../sample/catalog.js';
import { FormatError } from '../util/errors.js';

/** Key image (SOP instance UID) -> its finding's words, from the generator's truth.jsonl. */
export function readTruthImageWords(truthJsonl: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  readFileSync(truthJsonl, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { keyImages?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch (error) {
      throw new FormatError(`${truthJsonl}:line ${i + 1}: not JSON`, { cause: error });
    }
    if (!Array.isArray(rec.keyImages)) throw new FormatError(`${truthJsonl}:line ${i + 1}: no keyImages`);
    for (const k of rec.keyImages as Array<{ sopInstanceUid?: unknown; type?: unknown }>) {
      if (typeof k.sopInstanceUid !== 'string' || typeof k.type !== 'string') continue;
      const words = FINDING_KEYWORDS[k.type as FindingType] ?? [];
      const list = out.get(k.sopInstanceUid) ?? [];
      for (const w of words) if (!list.includes(w)) list.push(w);
      out.set(k.sopInstanceUid, list);
    }
  });
  return out;
}
