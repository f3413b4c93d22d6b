import { describe, expect, it } from 'vitest';
import { formatUnreadableAlert } from '../../../shared/alert-format/unreadable.ts';

describe('formatUnreadableAlert', () => {
  it('says so and carries what arrived', () => {
    const alert = formatUnreadableAlert(
      { id: 'x', victim: 'nope' },
      'field "victim" is missing or has the wrong type',
    );
    expect(alert.subject).toBe('OOM event could not be read');
    expect(alert.email).toContain('"victim": "nope"');
    expect(alert.sms).toBe('OOM event could not be read: field "victim" is missing or has the wrong type');
  });
});

describe('formatUnreadableAlert size', () => {
  it('stays well under the SNS limit whatever arrived', () => {
    const huge = { lines: Array.from({ length: 5000 }, () => '"quoted" \\ text '.repeat(20)) };
    const alert = formatUnreadableAlert(huge, 'field "schemaVersion" is missing');
    const payload = JSON.stringify({ default: alert.default, email: alert.email, sms: alert.sms });
    expect(Buffer.byteLength(payload)).toBeLessThan(200 * 1024);
    expect(alert.email).toMatch(/\.\.\. \(\d+ more characters\)\n$/);
  });
});
