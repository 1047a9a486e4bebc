/**
 * The one way text gets into HTML. Every string the report or the review pages show — a report
 * sentence, a topic word, a class label, a file name — goes through `escapeHtml`, so text that
 * holds markup (`<script>`, `" onerror=`) is shown as text and never parsed as markup.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup already built from escaped parts (the only values `html` inserts without escaping). */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Markup | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Markup) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return escapeHtml(part);
}

/** A template tag: the literal parts are trusted markup, every interpolated value is escaped (Markup excepted). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

/** Markup made by pacsmine itself (an SVG it rendered), trusted as is. */
export function trusted(markup: string): Markup {
  return new Markup(markup);
}
