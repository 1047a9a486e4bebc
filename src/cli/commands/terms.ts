import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { OPTION_VALUES, OptionsError, TermMatcher, loadObo, type Ontology, type SynonymScope } from '../../index.js';

const SYNONYM_SCOPES = OPTION_VALUES.synonymScopes;

interface TermsFlags {
  ontology?: string;
  scopes: string;
  json?: boolean;
}

/** --ontology, else $PACSMINE_ONTOLOGY; undefined means the built-in subset. */
export function ontologyPath(flag: string | undefined): string | undefined {
  return flag ?? (process.env['PACSMINE_ONTOLOGY'] || undefined);
}

/** The ontology the user named, or the built-in subset (said on stderr, since it is small). */
export function loadOntologyFor(flag: string | undefined, verb: string): Ontology {
  const file = ontologyPath(flag);
  if (file !== undefined) return loadObo(file);
  const builtin = loadObo();
  process.stderr.write(`pacsmine ${verb}: using the built-in subset of ${builtin.terms.length} Disease Ontology terms; ` +
    'give the full release with --ontology doid.obo or $PACSMINE_ONTOLOGY\n');
  return builtin;
}

export function parseScopes(value: string): SynonymScope[] {
  const scopes = value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const s of scopes) if (!(SYNONYM_SCOPES as readonly string[]).includes(s)) throw new OptionsError(`unknown synonym scope ${s} (use ${SYNONYM_SCOPES.join(', ')})`);
  return scopes as SynonymScope[];
}

export function registerTerms(program: Command): void {
  program
    .command('terms')
    .description('find Disease Ontology terms, with negation status, in sentences read from standard input (one per line)')
    .option('--ontology <file>', 'Disease Ontology OBO file (default: $PACSMINE_ONTOLOGY, else a built-in subset)')
    .option('--scopes <list>', 'synonym scopes matched besides names', 'EXACT')
    .option('--json', 'print one JSON array of hits per input line')
    .action(async (flags: TermsFlags) => {
      const ontology = loadOntologyFor(flags.ontology, 'terms');
      for (const p of ontology.problems.slice(0, 5)) process.stderr.write(`pacsmine terms: ontology line ${p.line}: ${p.message}\n`);
      const matcher = new TermMatcher(ontology, { synonymScopes: parseScopes(flags.scopes) });
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      const out: string[] = [];
      const flush = (): void => {
        if (out.length) process.stdout.write(out.join(''));
        out.length = 0;
      };
      for await (const line of lines) {
        const hits = matcher.findTerms(line);
        out.push(flags.json
          ? `${JSON.stringify(hits)}\n`
          : `${hits.map((h) => `${h.text} [${h.id} ${h.name}] ${h.status}`).join('; ')}\n`);
        if (out.length >= 1000) flush();
      }
      flush();
    });
}
