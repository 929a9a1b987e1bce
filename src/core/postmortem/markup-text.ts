/**
 * Text for HTML and SVG: anything from users, alerts or the cluster must read as text, never as
 * markup. One escape serves both, in element content and in double- or single-quoted attributes.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Control characters other than tab and line breaks are not allowed in XML at all (an SVG with one
// does not parse), so they are dropped rather than escaped; lone surrogates likewise.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeMarkup(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (match) => ENTITIES[match] ?? match);
}
