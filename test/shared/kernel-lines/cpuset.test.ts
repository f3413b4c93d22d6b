import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'cpuset'>[] = [
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log',
    line: 'systembusin cpuset=docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope mems_allowed=0',
    expected: {
      name: 'systembusin',
      cpuset: 'docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope',
      truncated: false,
    },
  },
];

describeRealLines('cpuset', LINES);
