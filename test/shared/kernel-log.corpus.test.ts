/**
 * Issue 10's corpus: real kernel OOM reports of every vintage, gathered from public bug trackers, mailing lists,
 * vendor docs and blog posts (../fixtures/kernel-logs/corpus/README.md gives each one's source). Each sample's
 * `.expected.json` lists, in order, the events parseKernelLog must give, with only the fields its text makes
 * certain: an event passes when it holds them all (toMatchObject), and no event may be missing or added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';

const dir = join(import.meta.dirname, '../fixtures/kernel-logs/corpus');
const samples = readdirSync(dir)
  .filter((file) => file.endsWith('.log'))
  .sort();

// Samples the parser does not read right yet: issue 10. A sample leaves this list when its fix lands.
const KNOWN_FAILING = new Set<string>([
  '02-cadvisor-3.13-global-sacrifice.log',
  '03-cadvisor-4.8-docker-task-in-two-reports.log',
  '04-jshell-dmesg-docker-task-in.log',
  '05-tomcat-dmesg-task-in-wrapped-three-lines.log',
  '06-tomcat-dmesg-glued-one-line.log',
  '07-paddle-task-in-docker-oneliners.log',
  '08-travis-task-in-docker-terminal-wrap.log',
  '09-mac-hyperkit-log-stream-task-in.log',
  '10-minikube-nested-docker-task-in-oneliner.log',
  '11-el7-system-slice-docker-scope-three-reports.log',
  '12-fc24-syslog-system-slice-docker-scope.log',
  '13-summary-oneliner-system-slice-docker-v2.log',
  '14-summary-oneliner-global-docker-scope.log',
  '15-doris-syslog-memcg-sacrifice-uid-comma.log',
  '16-ltp-syslog-memcg-sacrifice-uid-comma-storm.log',
  '17-cpanel-el6-killed-uid-before-comm.log',
  '20-tugraph-global-kill-title-cut-and-reaper.log',
  '21-gke-event-memcg-pause-sacrifice.log',
  '22-eris-dmesg-T-global-sacrifice-pairs.log',
  '23-firefox-dmesg-indented-sacrifice-web-content.log',
  '24-firefox-syslog-indented-sacrifice-web-content.log',
  '25-lkml-sysrq-quoted-agetty-double-parens.log',
  '26-lkml-allocating-task-printk-dropped.log',
  '27-linuxjournal-wrapped-continuation-arrows.log',
  '28-k8s-pause-pod-limit-task-in-no-kill-line.log',
  '29-dmesg-xT-el9-containerd-guaranteed.log',
  '34-lkml-oom-group-caller-ids-kills-init.log',
  '35-lkml-oom-group-email-quoted.log',
  '36-aks-syslog-oom-group-victim-printed-twice.log',
  '37-k8s-oom-group-already-exiting-dmesg-T.log',
  '38-lkml-oom-group-indented-commit-message.log',
  '40-kata-crio-conmon-pod-limit-task-in.log',
  '42-lkml-arm-quoted-kill-storm-panic.log',
  '43-lkml-trinity-quoted-allocating-task-no-timestamps.log',
]);

function expectedEvents(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(dir, file.replace(/\.log$/, '.expected.json')), 'utf8');
  return JSON.parse(text) as Array<Record<string, unknown>>;
}

describe('real kernel reports of every vintage (issue 10 corpus)', () => {
  it('lists as known failing only samples that exist', () => {
    expect([...KNOWN_FAILING].filter((file) => !samples.includes(file))).toEqual([]);
  });

  for (const file of samples) {
    // issue 10: a known failing sample is skipped, not expected to fail, so a fix shows up as a sample to re-enable.
    const run = KNOWN_FAILING.has(file) ? it.skip : it;
    run(file, () => {
      const expected = expectedEvents(file);
      const { events } = parseKernelLog(readFileSync(join(dir, file), 'utf8'), { file });
      expected.forEach((event, i) => expect(events[i], `event ${i}`).toMatchObject(event));
      expect(events).toHaveLength(expected.length);
    });
  }
});
