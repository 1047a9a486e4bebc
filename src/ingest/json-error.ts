/**
 * Why JSON.parse failed, in words that never quote the input. V8's messages do: "Unexpected token
 * 'Z', "ZZ Smith MRN 1234"... is not valid JSON" carries up to ~30 characters of the line, which
 * may be a patient's name. Only messages known to be free of input are kept (with their position);
 * any other becomes a plain "a syntax error".
 */
const KNOWN = new RegExp('^(' + [
  'Unexpected end of JSON input',
  'Unexpected (?:number|string|non-whitespace character after JSON)',
  'Unterminated string',
  'Unterminated fractional number',
  'Bad control character in string literal',
  'Bad escaped character',
  'Bad Unicode escape',
  'No number after minus sign',
  'Exponent part is missing a number',
  "Expected (?:property name or '\\}'|',' or '\\}' after property value|',' or '\\]' after array element|':' after property name|double-quoted property name)",
].join('|') + ')(?: in JSON)?(?: at position (\\d+))?');

export function jsonSyntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const known = KNOWN.exec(message);
  if (known) return `${known[1]![0]!.toLowerCase()}${known[1]!.slice(1)}${known[2] !== undefined ? ` at position ${known[2]}` : ''}`;
  if (message.startsWith('Unexpected token')) return 'an unexpected character';
  return 'a syntax error';
}
