/**
 * Escaping for the three output languages. Every string that comes from a RunResult (scenario
 * names, titles, SQL, error messages) is untrusted text: a result can be edited by hand or come
 * from another machine, and reports end up in browsers and CI job summaries.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values in HTML and inline SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

// XML 1.0 forbids most C0 control characters even as entities; JUnit parsers reject the file.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text and attribute values in JUnit XML. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(XML_INVALID, '\uFFFD'));
}

/**
 * Plain text inside GitHub-flavoured Markdown, also inside table cells. Markdown punctuation is
 * backslash-escaped; `<`, `>`, `&` and `|` become entities, which GitHub decodes for display but
 * never treats as HTML or as a table column separator.
 */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/[\\`*_[\]]/g, '\\$&')
    .replace(/\r?\n/g, ' ');
}

/**
 * Monospaced text in Markdown. An HTML <code> element instead of a backtick span, because entities
 * are not decoded inside backticks, so escaped text would show as `&lt;`.
 */
export function mdCode(text: string): string {
  return `<code>${mdText(text)}</code>`;
}

/** A stable HTML id / Markdown anchor from any name. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'x' : s;
}
