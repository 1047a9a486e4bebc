/**
 * Disease terms in sentences with their assertion status: the matcher's hits plus NegEx
 * scopes. This is what `pacsmine terms` prints and what image descriptions are built from.
 */
import type { TermMatcher, TermMatch } from './matcher.js';
import { assertionStatus, type AssertionStatus } from './negation.js';

export interface TermHit {
  id: string;
  name: string;
  text: string;
  start: number;
  end: number;
  status: AssertionStatus;
}

/** Term hits in one sentence, left to right. */
export function findTerms(matcher: TermMatcher, sentence: string): TermHit[] {
  const tokens = matcher.tokens(sentence);
  const hits = matcher.match(sentence, tokens);
  if (hits.length === 0) return [];
  const status = assertionStatus(sentence, tokens, hits);
  return hits.map((h: TermMatch, i) => ({ id: h.id, name: h.name, text: h.text, start: h.start, end: h.end, status: status[i] as AssertionStatus }));
}
