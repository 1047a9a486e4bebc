/**
 * A parser for OBO 1.2/1.4 flat files such as the Human Disease Ontology (doid.obo): [Term]
 * stanzas with id, name, synonyms (scope EXACT/RELATED/NARROW/BROAD), is_obsolete, is_a and
 * alt_id. Malformed lines and stanzas are reported with their line numbers; in the default,
 * lenient mode a bad stanza is skipped and the rest still loads, with `strict` the first
 * problem throws a FormatError.
 */
import { readFileSync } from 'node:fs';
import { FormatError } from '../util/errors.js';
// builtin.ts imports parseObo from here; loadObo calls builtinOntology only after both are loaded.
import { builtinOntology } from './builtin.js';

export type SynonymScope = 'EXACT' | 'RELATED' | 'NARROW' | 'BROAD';
export const SYNONYM_SCOPES: readonly SynonymScope[] = ['EXACT', 'RELATED', 'NARROW', 'BROAD'];

export interface OboSynonym {
  text: string;
  scope: SynonymScope;
}

export interface OboTerm {
  id: string;
  name: string;
  synonyms: OboSynonym[];
  obsolete: boolean;
  /** Parent ids (is_a), comments removed. */
  isA: string[];
  altIds: string[];
  /** Line of the stanza header, 1-based. */
  line: number;
}

export interface OboProblem {
  line: number;
  message: string;
}

export interface Ontology {
  /** Header tags (format-version, data-version, ...), first value of each. */
  header: Record<string, string>;
  terms: OboTerm[];
  /** Malformed lines and skipped stanzas (empty when every stanza parsed). */
  problems: OboProblem[];
}

export interface ParseOboOptions {
  /** Throw a FormatError on the first problem instead of skipping the stanza. Default false. */
  strict?: boolean;
  /** Name used in messages. */
  source?: string;
}

/**
 * Reads and parses an OBO file (the Disease Ontology's doid.obo); without a file, the built-in
 * subset (builtin.ts: the terms the synthetic archive's reports use, for demos and tests).
 */
export function loadObo(file?: string, options: ParseOboOptions = {}): Ontology {
  if (file === undefined) return builtinOntology();
  return parseObo(readFileSync(file, 'utf8'), { source: file, ...options });
}

const OLD_SYNONYM_TAGS: Record<string, SynonymScope> = {
  exact_synonym: 'EXACT',
  related_synonym: 'RELATED',
  narrow_synonym: 'NARROW',
  broad_synonym: 'BROAD',
};

/** Parses OBO text. */
export function parseObo(text: string, options: ParseOboOptions = {}): Ontology {
  const source = options.source ?? 'OBO input';
  const header: Record<string, string> = {};
  const terms: OboTerm[] = [];
  const problems: OboProblem[] = [];
  const seen = new Set<string>();
  let stanza: string | null = null;
  let term: Partial<OboTerm> & { synonyms: OboSynonym[]; isA: string[]; altIds: string[]; line: number } | null = null;
  let bad = false;

  const problem = (line: number, message: string): void => {
    if (options.strict) throw new FormatError(`${source}: line ${line}: ${message}`);
    problems.push({ line, message });
  };
  const closeStanza = (): void => {
    if (stanza === 'Term' && term) {
      if (!term.id) problem(term.line, 'term stanza has no id: skipped');
      else if (!term.name) problem(term.line, `term ${term.id} has no name: skipped`);
      else if (seen.has(term.id)) problem(term.line, `term ${term.id} appears twice: second stanza skipped`);
      else if (bad) problem(term.line, `term ${term.id} has malformed lines: skipped`);
      else {
        seen.add(term.id);
        terms.push({ id: term.id, name: term.name, synonyms: term.synonyms, obsolete: term.obsolete ?? false, isA: term.isA, altIds: term.altIds, line: term.line });
      }
    }
    term = null;
    bad = false;
  };

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('!')) continue;
    if (line.startsWith('[')) {
      closeStanza();
      const m = /^\[([A-Za-z]+)\]$/.exec(line);
      if (!m) {
        problem(lineNo, `malformed stanza header (expected [Term], [Typedef] or [Instance])`);
        stanza = 'Unknown';
        continue;
      }
      stanza = m[1] as string;
      if (stanza === 'Term') term = { synonyms: [], isA: [], altIds: [], line: lineNo };
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problem(lineNo, 'expected "tag: value"');
      bad = true;
      continue;
    }
    const tag = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (stanza === null) {
      if (!(tag in header)) header[tag] = value;
      continue;
    }
    if (stanza !== 'Term' || !term) continue;
    const t = term;
    switch (tag) {
      case 'id':
        if (t.id) {
          problem(lineNo, `second id in one stanza`);
          bad = true;
        } else t.id = stripComment(value);
        break;
      case 'name':
        t.name = unescapeObo(stripComment(value));
        break;
      case 'is_obsolete':
        t.obsolete = stripComment(value) === 'true';
        break;
      case 'is_a':
        t.isA.push(stripComment(value).split(/\s+/)[0] as string);
        break;
      case 'alt_id':
        t.altIds.push(stripComment(value));
        break;
      case 'synonym': {
        const s = parseSynonym(value, 'RELATED');
        if (s) t.synonyms.push(s);
        else {
          problem(lineNo, 'malformed synonym (expected "text" SCOPE [xrefs])');
          bad = true;
        }
        break;
      }
      default:
        if (tag in OLD_SYNONYM_TAGS) {
          const s = parseSynonym(value, OLD_SYNONYM_TAGS[tag] as SynonymScope, true);
          if (s) t.synonyms.push(s);
          else {
            problem(lineNo, `malformed ${tag}`);
            bad = true;
          }
        }
    }
  }
  closeStanza();
  return { header, terms, problems };
}

/** Removes a trailing " ! comment" and "{modifiers}" outside quotes. */
function stripComment(value: string): string {
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === '"') inQuote = !inQuote;
    else if (!inQuote && (c === '!' || c === '{') && (i === 0 || value[i - 1] === ' ')) return value.slice(0, i).trim();
  }
  return value.trim();
}

function unescapeObo(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? ' ' : c === 't' ? ' ' : c));
}

/** `"text" SCOPE [TYPE] [xrefs]`; OBO 1.0 tags carry no scope, so it comes from the tag. */
function parseSynonym(value: string, defaultScope: SynonymScope, scopeFromTag = false): OboSynonym | null {
  if (!value.startsWith('"')) return null;
  let i = 1;
  let text = '';
  for (; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && i + 1 < value.length) {
      text += value[++i];
      continue;
    }
    if (c === '"') break;
    text += c;
  }
  if (i >= value.length) return null;
  const rest = value.slice(i + 1).trim();
  let scope = defaultScope;
  if (!scopeFromTag) {
    const word = rest.split(/\s+/)[0] ?? '';
    if ((SYNONYM_SCOPES as readonly string[]).includes(word)) scope = word as SynonymScope;
    else if (word !== '' && !word.startsWith('[')) return null;
  }
  text = text.trim();
  return text ? { text, scope } : null;
}
