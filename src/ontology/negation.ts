/**
 * NegEx-style assertion status (Chapman et al. 2001) for term hits: trigger phrases open a
 * scope forward (pre-triggers: "no", "without", "possible") or backward (post-triggers: "is
 * not seen", "cannot be excluded"); a scope ends at a termination word ("but", "however"),
 * at clause punctuation (. ; : ? !) or after MAX_SCOPE_TOKENS tokens. Pseudo-triggers ("no
 * change", "not only") match first and open nothing. Negation wins over uncertainty.
 */
import type { SentenceTokens, TermMatch } from './matcher.js';

export type AssertionStatus = 'affirmed' | 'negated' | 'uncertain';

/** Tokens a trigger's scope reaches at most (lists such as "no A, B, or C" fit). */
export const MAX_SCOPE_TOKENS = 10;

type Kind = 'preNeg' | 'postNeg' | 'preUnc' | 'postUnc' | 'pseudo' | 'term';

const PHRASES: Record<Kind, string[]> = {
  pseudo: [
    'no change', 'no significant change', 'no interval change', 'no increase', 'no significant interval change',
    'not only', 'not necessarily', 'without difficulty', 'no further', 'not extend', 'gram negative',
  ],
  preNeg: [
    'no', 'not', 'without', 'absence of', 'absent', 'no evidence of', 'no evidence for', 'no sign of', 'no signs of',
    'negative for', 'free of', 'rules out', 'ruled out', 'denies', 'no suspicious', 'no definite', 'no definitive',
    'no findings of', 'no findings to suggest', 'not demonstrate', 'resolution of', 'resolved',
    'no acute', 'clear of', 'neither', 'nor', 'no new', 'there is no', 'there are no',
  ],
  postNeg: [
    'is not seen', 'are not seen', 'not seen', 'not identified', 'is not identified', 'are not identified',
    'is absent', 'are absent', 'not present', 'is not present', 'are not present', 'has resolved', 'have resolved',
    'resolved', 'not demonstrated', 'is not demonstrated', 'not visualized', 'is not visualized', 'not appreciated',
    'is not appreciated', 'are not appreciated', 'not evident', 'is not evident', 'ruled out', 'is excluded', 'excluded',
  ],
  preUnc: [
    'possible', 'possibly', 'probable', 'probably', 'may represent', 'may be', 'might be', 'could be', 'could represent',
    'cannot exclude', 'can not exclude', 'cannot rule out', 'can not rule out', 'cannot be excluded', 'questionable',
    'suspicious for', 'suspected', 'suggestive of', 'suggesting', 'suggests', 'concern for', 'concerning for',
    'worrisome for', 'likely', 'versus', 'vs', 'differential diagnosis', 'rule out', 'r/o', 'question of',
    'equivocal', 'cannot be ruled out', 'not excluded', 'consider',
    'difficult to exclude', 'may', 'considerations', 'differential',
  ],
  postUnc: [
    'cannot be excluded', 'can not be excluded', 'not excluded', 'is not excluded', 'cannot be ruled out',
    'is suspected', 'is possible', 'is likely', 'is questioned', 'not ruled out', 'is not ruled out', 'versus',
  ],
  term: ['but', 'however', 'although', 'though', 'except', 'aside from', 'apart from', 'which', 'yet', 'otherwise', 'still'],
};


interface Trigger {
  tokens: string[];
  kind: Kind;
}

/** Triggers indexed by first token, longest first, so "cannot be excluded" beats "cannot". */
const BY_FIRST = new Map<string, Trigger[]>();
for (const [kind, phrases] of Object.entries(PHRASES) as Array<[Kind, string[]]>) {
  for (const p of phrases) {
    const tokens = p.split(' ');
    const list = BY_FIRST.get(tokens[0] as string) ?? [];
    list.push({ tokens, kind });
    BY_FIRST.set(tokens[0] as string, list);
  }
}
for (const list of BY_FIRST.values()) list.sort((a, b) => b.tokens.length - a.tokens.length || kindOrder(a.kind) - kindOrder(b.kind));
function kindOrder(k: Kind): number {
  // For the same phrase in two lists ("ruled out"), the post reading is tried first; both negate.
  return ['pseudo', 'postUnc', 'postNeg', 'preUnc', 'preNeg', 'term'].indexOf(k);
}

/**
 * The status of each hit in one sentence. `tokens` and `hits` come from TermMatcher; term
 * tokens are never read as triggers.
 */
export function assertionStatus(sentence: string, tokens: SentenceTokens, hits: readonly TermMatch[]): AssertionStatus[] {
  const n = tokens.lower.length;
  // Clause index per token: clause punctuation between two tokens starts a new clause.
  const clause = new Int32Array(n);
  for (let t = 1; t < n; t++) {
    const gap = sentence.slice(tokens.ends[t - 1] as number, tokens.starts[t] as number);
    clause[t] = (clause[t - 1] as number) + (/[.;:?!]/.test(gap) ? 1 : 0);
  }
  const inTerm = new Uint8Array(n);
  for (const h of hits) for (let t = h.startToken; t < h.endToken; t++) inTerm[t] = 1;

  // Scope marks per token: bit 1 = negated, bit 2 = uncertain.
  const marks = new Uint8Array(n);
  const isTermination = new Uint8Array(n);
  const found: Array<{ start: number; end: number; kind: Kind }> = [];
  for (let t = 0; t < n; ) {
    const trigger = inTerm[t] ? undefined : matchTrigger(tokens.lower, t, clause);
    if (!trigger) {
      t++;
      continue;
    }
    const end = t + trigger.tokens.length;
    if (trigger.kind === 'term') for (let k = t; k < end; k++) isTermination[k] = 1;
    else found.push({ start: t, end, kind: trigger.kind });
    t = end;
  }
  for (const f of found) {
    if (f.kind === 'pseudo') continue;
    const bit = f.kind === 'preNeg' || f.kind === 'postNeg' ? 1 : 2;
    if (f.kind === 'preNeg' || f.kind === 'preUnc') {
      for (let k = f.end; k < n && k < f.end + MAX_SCOPE_TOKENS && clause[k] === clause[f.start] && !isTermination[k]; k++) marks[k] = (marks[k] as number) | bit;
    } else {
      for (let k = f.start - 1; k >= 0 && k >= f.start - MAX_SCOPE_TOKENS && clause[k] === clause[f.start] && !isTermination[k]; k--) marks[k] = (marks[k] as number) | bit;
    }
  }
  return hits.map((h) => {
    let m = 0;
    for (let t = h.startToken; t < h.endToken; t++) m |= marks[t] as number;
    return m & 1 ? 'negated' : m & 2 ? 'uncertain' : 'affirmed';
  });
}

function matchTrigger(lower: readonly string[], t: number, clause: Int32Array): Trigger | undefined {
  const list = BY_FIRST.get(lower[t] as string);
  if (!list) return undefined;
  for (const trig of list) {
    const len = trig.tokens.length;
    if (t + len > lower.length) continue;
    let ok = true;
    for (let k = 1; k < len; k++) {
      if (lower[t + k] !== trig.tokens[k] || clause[t + k] !== clause[t]) {
        ok = false;
        break;
      }
    }
    if (ok) return trig;
  }
  return undefined;
}
