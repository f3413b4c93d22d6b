/**
 * pageText: a kernel line as a web page showed it. Its cheap first test (mayShowPage: an `&`, a no-break space, or `<`
 * after the margin) must pass every line the page sign's pattern matches: it only spares most lines the pattern.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayShowPage, PAGE_SIGN, pageText } from '../../shared/page-text.ts';

describe('pageText', () => {
  it("reads a page's references, markup and no-break spaces; leaves kernel text alone", () => {
    expect(pageText('Killed process 1 (a&lt;1&gt;) total-vm:1kB')).toBe(
      'Killed process 1 (a<1>) total-vm:1kB',
    );
    expect(pageText('Killed\u00a0process 1 (x)')).toBe('Killed process 1 (x)');
    expect(pageText(' \u2003\t<div>oom-kill:constraint=CONSTRAINT_MEMCG')).toBe(
      ' \u2003\t oom-kill:constraint=CONSTRAINT_MEMCG',
    );
    for (const line of ['Killed process 1 (a&b) total-vm:1kB', 'x <b>', '', 'Memory cgroup out of memory'])
      expect([line, pageText(line)]).toEqual([line, null]);
  });

  it('tells cheaply every line the page sign matches (margins of any white space, a BOM, line ends)', () => {
    const unit = fc.constantFrom(
      ...['&', 'lt;', 'gt;', 'nbsp;', '#39;', '#x3C;', '\u00a0', '<', '/', 'b>', 'div', ' ', '\t', '\u2003'],
      ...['\ufeff', '\n', '\u2028', 'x', 'K', '1', ';', '#'],
    );
    let matched = 0;
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (line) => {
        if (!PAGE_SIGN.test(line)) return;
        matched++;
        expect({ line, mayShow: mayShowPage(line) }).toEqual({ line, mayShow: true });
      }),
      { numRuns: 20_000 },
    );
    expect(matched).toBeGreaterThan(2_000);
  });
});
