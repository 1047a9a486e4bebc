/**
 * Secrets out of messages. URLs may carry credentials (`http://user:password@host`) or tokens in
 * their query (`?access_token=...`); neither may reach an error message, a log line, a stage
 * record or a rejects row. redactSecrets works on any text (an error from fetch quotes the URL it
 * was given), redactUrl on one URL; both keep everything else readable.
 */

/** Query parameters whose values are secrets (matched anywhere in the name, any case). */
const SECRET_PARAM = /([?&;][^=&\s#?;]*(?:token|passw(?:or)?d|pwd|secret|api[_-]?key|signature|sig|auth|credential|session)[^=&\s#?;]*=)[^&\s#;"'<>]*/gi;

/** scheme://userinfo@ : the userinfo (user, or user:password) goes; the last '@' before the host ends it. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** Replaces credentials and secret query values in any text with `***`. */
export function redactSecrets(text: string): string {
  return text.replace(USERINFO, '$1***@').replace(SECRET_PARAM, '$1***');
}

/** A URL safe to print: no user or password, no secret query values. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/**
 * Splits the credentials off a URL: the URL without them, and the user and password (decoded)
 * when it had any. Text that is not a URL comes back as it is.
 */
export function splitUrlCredentials(url: string): { url: string; user?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  // URL.toString() adds a trailing '/' to a bare origin; keep the caller's form otherwise.
  let clean = parsed.toString();
  if (!url.endsWith('/') && clean.endsWith('/') && parsed.pathname === '/' && !parsed.search && !parsed.hash) clean = clean.slice(0, -1);
  return { url: clean, user, password };
}
