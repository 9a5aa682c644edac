/** HTML escaping for text that goes into mail bodies and pages: every character that could open markup. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with & < > " ' replaced by entities: safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escaped text with line breaks kept as `<br>` (for mail clients that ignore `white-space`). */
export function escapeHtmlLines(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>\n');
}
