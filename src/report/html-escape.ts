/** Escaping for the three places text enters the HTML report (html.ts). */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and for attribute values in either kind of quotes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * Script source inlined in a <script> element. Only `</script` can end the element early
 * (the HTML parser does not know JavaScript), so it becomes `<\/script`, which means the same
 * inside the string and regex literals where a library can hold it.
 */
export function escapeScriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * JSON for a <script type="application/json"> block: every `<` as \u003c, so no `</script`
 * or `<!--` can appear in it whatever the strings hold; JSON.parse reads back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
