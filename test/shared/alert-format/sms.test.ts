import { describe, expect, it } from 'vitest';
import { alertSms } from '../../../shared/alert-format/sms.ts';
import { hostileNameEvent } from '../../fixtures/enriched/edge-events.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

describe('alertSms', () => {
  it('container limit: who, which process, usage against limit, the impact, node and time', () => {
    expect(alertSms(exampleEvent('container-limit'))).toBe(
      'OOM prod-eu prod/checkout-api (api): process node killed, 512Mi of 512Mi limit, container restarted, on ip-10-0-1-23 10:02Z',
    );
  });

  it('pod limit (the real 6.18 kill): names the pod limit from the kernel (65536 kB), not the container spec', () => {
    expect(alertSms(exampleEvent('pod-limit'))).toContain('process python3 killed, 64Mi of 64Mi pod limit');
  });

  it('system OOM: has node-level wording', () => {
    expect(alertSms(exampleEvent('system-oom'))).toBe(
      'Node OOM prod-eu ip-10-0-3-41: killed java in search/opensearch-data (opensearch), container restarted 13:20Z',
    );
  });

  it('child-process kill: says the container kept running', () => {
    expect(alertSms(exampleEvent('child-process'))).toContain(
      'child process php-fpm killed, 256Mi of 256Mi limit, container kept running',
    );
  });

  it('host process: has its own wording', () => {
    expect(alertSms(exampleEvent('host-process'))).toBe(
      'Node OOM prod-eu ip-10-0-3-41: killed host process systemd-journal 13:30Z',
    );
  });

  it('escapes control characters in a hostile process name', () => {
    expect(alertSms(hostileNameEvent())).toContain('process x\\x1b[2J\\x0ay killed');
  });
});
