import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'memcg-stats'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'Memory cgroup stats for /docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589:',
    expected: {
      path: '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589',
      truncated: false,
    },
  },
  {
    source: 'kubernetes/kubernetes#56891 (3.10, counters on the same line)',
    line: 'Memory cgroup stats for /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b: cache:32KB rss:524188KB rss_huge:370688KB mapped_file:0KB swap:524356KB inactive_anon:267804KB active_anon:256384KB inactive_file:12KB active_file:4KB unevictable:0KB',
    expected: {
      path: '/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b',
    },
  },
];

describeRealLines('memcg-stats', LINES);
