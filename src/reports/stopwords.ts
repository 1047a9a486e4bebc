/**
 * English stop words for the paper's Table 4 ("no stopwords no digits") and for the corpus
 * filters. The SMART-style short list that MALLET and gensim both start from, trimmed to
 * words of 3+ characters since shorter tokens are dropped anyway.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `about above after again against all also although among and any are aren't because been before being below
  between both but can cannot could couldn't did didn't does doesn't doing don't down during each either else
  etc ever every few for from further had hadn't has hasn't have haven't having her here hers herself him
  himself his how however into isn't its itself just least less let may might more most much must mustn't
  myself neither nor not now off once only other ought our ours ourselves out over own per same shall she
  should shouldn't since some such than that the their theirs them themselves then there these they this those
  though through thus too under until upon very via was wasn't were weren't what when where whether which while
  who whom whose why will with within without won't would wouldn't yet you your yours yourself yourselves`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}
