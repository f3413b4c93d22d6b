/**
 * Markdown emphasis that a writer put around a figure of a kernel line (`…, **anon-rss:59118944kB (≈56.4
 * GiB)**`): the marks are no part of the key or the value. The kernel's own underscores (`__GFP_COMP`,
 * `__alloc_pages+0x…`) and stars (`** 1108 printk messages dropped **`) open no figure.
 */

const MARKS = ['**', '__'] as const;

/** A figure's key and the start of its value, right after an opening mark: `anon-rss:5`, `task_memcg=/`. */
const FIGURE = /[A-Za-z][\w-]{0,63}[:=][^\s*_]/y;

/** Whether a mark at `at` may open emphasis: at the start, or after a space, a tab or a comma. */
function opensAt(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (at > 0 && before !== 0x20 && before !== 0x09 && before !== 0x2c) return false;
  FIGURE.lastIndex = at + 2;
  return FIGURE.test(text);
}

/**
 * Whether a mark at `at` may close emphasis: after text, not a space, and before the end, a space, a tab or a
 * comma (not inside a word, nor before a comm's `)`).
 */
function closesAt(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (before === 0x20 || before === 0x09) return false;
  const after = at + 2;
  if (after === text.length) return true;
  const next = text.charCodeAt(after);
  return next === 0x20 || next === 0x09 || next === 0x2c;
}

/** The text without one kind of mark around its figures: each opening one with the next, when it closes. */
function withoutMarkAroundFigures(text: string, mark: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf(mark);
  while (at >= 0) {
    if (!opensAt(text, at)) {
      at = text.indexOf(mark, at + 1);
      continue;
    }
    const close = text.indexOf(mark, at + 2);
    if (close < 0) break;
    if (!closesAt(text, close)) {
      // The next mark is no close: it may open the next figure.
      at = close;
      continue;
    }
    out += text.slice(copied, at) + text.slice(at + 2, close);
    copied = close + 2;
    at = text.indexOf(mark, copied);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The text without markdown emphasis (`**…**`, `__…__`) around its `key:value` and `key=value` figures. */
export function withoutFigureEmphasis(text: string): string {
  let result = text;
  for (const mark of MARKS) if (result.includes(mark)) result = withoutMarkAroundFigures(result, mark);
  return result;
}
