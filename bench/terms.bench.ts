/**
 * Disease-term matching speed: the full Disease Ontology (every live term's name and every
 * synonym, all scopes) against the Indiana report sentences, repeated to ≥ 200,000
 * sentences; matching plus negation status, one thread. Target: ≥ 100,000 sentences/s.
 */
import path from 'node:path';
import { finish, peakRssMb } from './lib/report.js';
import { loadObo } from '../src/ontology/obo.js';
import { TermMatcher } from '../src/ontology/matcher.js';
import { findTerms } from '../src/ontology/terms.js';
import { indianaReportTexts, INDIANA_REPORTS } from '../testing/corpora.js';
import { sentenceTexts } from '../src/embeddings/sentences.js';
import { needsSharedData, sharedDataDir } from '../testing/requirements.js';

const DO_FILE = 'disease-ontology/doid_2016-09-01.obo';
const skip = needsSharedData(DO_FILE) ?? needsSharedData(INDIANA_REPORTS);
if (skip) {
  process.stdout.write(`terms: skipped (${skip})\n`);
  finish({ bench: 'terms', skipped: skip });
} else {
  let t0 = performance.now();
  const ontology = loadObo(path.join(sharedDataDir, DO_FILE));
  const parseMs = performance.now() - t0;
  t0 = performance.now();
  const matcher = new TermMatcher(ontology, { synonymScopes: ['EXACT', 'RELATED', 'NARROW', 'BROAD'] });
  const buildMs = performance.now() - t0;
  const base = indianaReportTexts().flatMap(sentenceTexts);
  const sentences: string[] = [];
  while (sentences.length < 200_000) sentences.push(...base);
  process.stdout.write(`ontology: ${ontology.terms.length} terms parsed in ${parseMs.toFixed(0)} ms; matcher: ${matcher.numTerms} terms, ${matcher.numEntries} names and synonyms, built in ${buildMs.toFixed(0)} ms\n`);
  // One warm-up pass over the distinct sentences (JIT, token cache), then the timed run.
  for (const s of base) findTerms(matcher, s);
  t0 = performance.now();
  let hits = 0, negated = 0, uncertain = 0;
  for (const s of sentences) {
    for (const h of findTerms(matcher, s)) {
      hits++;
      if (h.status === 'negated') negated++;
      else if (h.status === 'uncertain') uncertain++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = Math.round(sentences.length / seconds);
  process.stdout.write(`${sentences.length} sentences in ${seconds.toFixed(2)} s: ${perSecond} sentences/s; ${hits} hits (${negated} negated, ${uncertain} uncertain)\n`);
  finish({
    bench: 'terms',
    sentences: sentences.length,
    sentences_per_s: perSecond,
    target_sentences_per_s: 100_000,
    ratio_to_target: Math.round((perSecond / 100_000) * 1000) / 1000,
    terms: matcher.numTerms,
    entries: matcher.numEntries,
    hits,
    negated,
    uncertain,
    build_ms: Math.round(buildMs),
    peak_rss_mb: peakRssMb(),
  });
}
