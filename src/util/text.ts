import { eastAsianWidth } from 'get-east-asian-width';

/** `1 document`, `2 documents`: a count with its noun, for nouns whose plural adds an `s`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/**
 * Terminal columns a string of printable characters occupies: combining marks and format
 * characters take none, East Asian Wide and Fullwidth characters (CJK, kana, hangul, most emoji)
 * take two. Per code point, not per grapheme cluster: string-width's segmenting is over ten times
 * slower on Japanese text, and the stylish report measures every message.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    // Printable ASCII, by far the most common, needs no lookup.
    if (codePoint < 0x7f) width += 1;
    else if (!ZERO_WIDTH.test(char)) width += eastAsianWidth(codePoint);
  }
  return width;
}

/** `text` padded with spaces to `width` terminal columns. */
export function padEndToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or an attribute value: the five characters HTML gives meaning escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}
