import { describe, expect, it } from 'vitest';
import {
  asciiLine,
  displayText,
  gsm7Length,
  insightsString,
  smsText,
  subjectText,
} from '../../shared/format-text.ts';

describe('text shaping', () => {
  it('shows control characters instead of sending them', () => {
    expect(displayText('a\nb\u001b')).toBe('a\\x0ab\\x1b');
  });

  it('subject: one printable ASCII line, cut with a mark, never empty', () => {
    expect(asciiLine('  OOM:\tkäse\n x ')).toBe('OOM: k?se x');
    expect(subjectText('\n\t')).toBe('OOM kill');
    const long = subjectText(`OOM: ${'n'.repeat(200)}`);
    expect(long).toHaveLength(99);
    expect(long.endsWith('...')).toBe(true);
  });

  it('sms: GSM 7-bit escape characters cost two septets', () => {
    expect(gsm7Length('runc:[2:INIT]')).toBe(15);
    const text = smsText('['.repeat(200));
    expect(gsm7Length(text)).toBeLessThanOrEqual(160);
    expect(text).toBe(`${'['.repeat(78)}...`);
    expect(smsText('a`b')).toBe("a'b");
  });

  it('Logs Insights literals escape quotes and backslashes', () => {
    expect(insightsString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
