import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'limit-reached'>[] = [
  {
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_info (4.19), no task',
    line: 'Memory limit reached of cgroup /kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589',
    expected: { oom: '/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589' },
  },
];

describeRealLines('limit-reached', LINES);
