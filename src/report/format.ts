/**
 * How the report writes numbers. The report shows the stages' own numbers through these two
 * functions only, so a test can find each number of the --json output in the page.
 */

/** A count: 12,345. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate, score or measure: 3 decimals (0.658), or more significant digits for large values (perplexity 1234.5). */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 100) return x.toFixed(1);
  return x.toFixed(3);
}
