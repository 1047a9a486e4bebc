/**
 * The review app's pages: one small HTML shell per page (no framework, no CDN), filled in by
 * /app.js (client-script.ts) from the JSON API. The shell names the page and carries the token
 * on its two asset links (the request already proved it); every piece of data is put into the
 * page by the script as text nodes, never as markup.
 */
import { escapeHtml } from '../report/html.js';

export const PAGES = { '/': 'topics', '/topic': 'topic', '/image': 'image', '/search': 'search', '/review': 'review' } as const;
export type PageName = (typeof PAGES)[keyof typeof PAGES];

const TITLES: Record<PageName, string> = { topics: 'Topics', topic: 'Topic', image: 'Key image', search: 'Search', review: 'Review log' };

/** What the browser may load for a page: its own script and style, images and calls to this server only. */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function pageShell(page: PageName, token: string): string {
  const t = encodeURIComponent(token);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pacsmine review — ${escapeHtml(TITLES[page])}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/style.css?token=${escapeHtml(t)}">
<script src="/app.js?token=${escapeHtml(t)}" defer></script></head>
<body data-page="${escapeHtml(page)}">
<header><nav><a data-nav="/" href="#">Topics</a> <a data-nav="/search" href="#">Search</a> <a data-nav="/review" href="#">Review log</a></nav>
<label>reviewer <input id="who" size="14" autocomplete="name"></label></header>
<p id="status" role="status"></p>
<main id="main"><p>Loading…</p></main>
</body></html>
`;
}

export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222}
header{display:flex;justify-content:space-between;align-items:center;padding:8px 16px;background:#f3f5f8;border-bottom:1px solid #ddd}
nav a{margin-right:14px}main{padding:0 16px 40px}#status{margin:6px 16px;color:#0a5}#status.error{color:#b00}
.levels a{margin-right:10px}.levels a.current{font-weight:bold}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 10px;margin:10px 0}.card.rejected{opacity:.55}
.card h3{margin:0 0 4px;font-size:15px}.words{color:#555;font-size:13px}
.grid{display:flex;flex-wrap:wrap;gap:4px;margin:6px 0}.grid img{width:96px;height:96px;object-fit:contain;background:#000;border:1px solid #ccc}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}.actions form{display:flex;gap:4px;align-items:center}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.big{max-width:512px;max-height:512px;background:#000}.sentence{font-size:15px;max-width:800px}mark{background:#ffe58a}
.badge{display:inline-block;padding:0 6px;border-radius:8px;background:#eee;font-size:12px;margin-left:6px}
.hit .caption{font-size:12px;max-width:200px}.hit{display:inline-block;vertical-align:top;margin:4px}
`;
