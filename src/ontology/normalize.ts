/**
 * Token normalisation that lets one dictionary entry match its plural and spelling variants:
 * British → American spelling (tumour → tumor, oedema → edema, haemorrhage → hemorrhage),
 * a light plural stemmer (Harman's S-stemmer plus a few Greek/Latin plurals: cysts → cyst,
 * effusions → effusion, metastases → metastasis, pneumothoraces → pneumothorax), and an
 * adjectival "-ic" dropped (cystic → cyst). Porter is too aggressive here: it sends
 * "mediastinal" and "mediastinitis" to the same stem. Ontology terms and sentences go through
 * the same function, so a variant on either side still meets.
 */

const SPELLING: Array<[RegExp, string]> = [
  [/^oe(?=[a-z]{3})/, 'e'], // oedema, oesophagus, oestrogen
  [/hoea/, 'hea'], // diarrhoea, gonorrhoea
  [/aem/, 'em'], // haemorrhage, anaemia, leukaemia, ischaemia, septicaemia
  [/paed/, 'ped'], // paediatric, orthopaedic
  [/(?<=[a-z]{3})our(s?)$/, 'or$1'], // tumour(s), humour (not four, hour, your)
  [/isation/, 'ization'],
  [/^sulph/, 'sulf'],
];

const PLURAL: Array<[RegExp, string]> = [
  [/thoraces$/, 'thorax'],
  [/(?<=[a-z]{3})stases$/, 'stasis'],
  [/(?<=[a-z]{4})oses$/, 'osis'],
];

/** The key a (lower-case) token is matched by. */
export function normalizeToken(lowerToken: string): string {
  let t = lowerToken;
  if (!/^[a-z]+$/.test(t)) return t;
  for (const [re, by] of SPELLING) t = t.replace(re, by);
  for (const [re, by] of PLURAL) if (re.test(t)) return t.replace(re, by);
  t = sStem(t);
  if (t.length >= 6 && t.endsWith('ic')) t = t.slice(0, -2);
  return t;
}

/** Harman's S-stemmer. */
function sStem(t: string): string {
  if (t.length < 4) return t;
  if (t.endsWith('ies') && !t.endsWith('eies') && !t.endsWith('aies')) return `${t.slice(0, -3)}y`;
  if (t.endsWith('es') && !t.endsWith('aes') && !t.endsWith('ees') && !t.endsWith('oes')) return t.slice(0, -1);
  if (t.endsWith('s') && !t.endsWith('us') && !t.endsWith('ss') && !t.endsWith('is')) return t.slice(0, -1);
  return t;
}

/** Short all-capital tokens (COPD, CHF, AS, CM) are acronyms: matched case-sensitively. */
export function isAcronym(surface: string): boolean {
  return surface.length <= 5 && /^[A-Z][A-Z0-9]*$/.test(surface) && /[A-Z].*[A-Z]|^[A-Z]$/.test(surface);
}

/** Key of an acronym (kept apart from ordinary words). */
export function acronymKey(surface: string): string {
  return `\u0001${surface}`;
}
