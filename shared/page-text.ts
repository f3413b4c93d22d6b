/**
 * A kernel line as a web page's source or its rendering showed it: character references (`&lt;`, `&#39;`), the
 * tags of text markup a copy kept, no-break spaces. log-record.ts reads a line so when it has no envelope.
 */
/**
 * The named and numbered character references of an HTML page's source (`&lt;`, `&nbsp;`, `&#39;`), and the tags
 * of text markup that a copy of it kept (`<span class="…">`, `</div>`, `<br>`); a no-break space, as a rendered
 * page's copy gives it.
 */
const HTML_REFERENCE = /&(?:(lt|gt|amp|quot|apos|nbsp)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const HTML_TEXT_TAG =
  /<\/?(?:div|span|pre|code|p|br|li|td|tr|font|b|i|u|strong|em|a|tt|kbd|samp|mark)(?:\s[^<>]{0,300})?\/?>/gi;
const NAMED_REFERENCE: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function referencedCharacter(reference: string, name?: string, decimal?: string, hex?: string): string {
  if (name !== undefined) return NAMED_REFERENCE[name] ?? reference;
  const code = decimal === undefined ? Number.parseInt(hex as string, 16) : Number(decimal);
  return code === 0xa0 ? ' ' : code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
}

/**
 * What shows a line to be a web page's rather than kernel text that holds an `&` or a `<` (a comm may): a reference
 * to what no kernel text escapes (`&lt;`, `&gt;`, `&nbsp;`, a number), a no-break space, or markup that opens it.
 */
export const PAGE_SIGN = /&(?:lt|gt|nbsp|#\d{1,7}|#x[0-9a-fA-F]{1,6});|\u00a0|^\s*<\/?[A-Za-z]/;

/**
 * What PAGE_SIGN needs, told by searches for one character: an `&`, a no-break space, or `<` after the margin (trimStart
 * takes off what `\s` matches). test/shared/page-text.test.ts holds it to the pattern.
 */
export function mayShowPage(line: string): boolean {
  return line.includes('&') || line.includes('\u00a0') || line.trimStart().charCodeAt(0) === 0x3c;
}

/**
 * The text a web page's source or rendering shows for the line: references read, markup tags as spaces (a page
 * may hold several records in one line of source: they are glued records then), no-break spaces as spaces. Null
 * when the line shows no page (PAGE_SIGN) or holds none of those.
 */
export function pageText(line: string): string | null {
  if (!mayShowPage(line) || !PAGE_SIGN.test(line)) return null;
  let text = line;
  if (text.includes('&')) text = text.replace(HTML_REFERENCE, referencedCharacter);
  if (text.includes('<')) text = text.replace(HTML_TEXT_TAG, ' ');
  if (text.includes('\u00a0')) text = text.replaceAll('\u00a0', ' ');
  return text === line ? null : text;
}
