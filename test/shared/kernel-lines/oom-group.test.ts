import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'oom-group'>[] = [
  {
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_group (4.19+)',
    line: 'Tasks in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6aa.scope are going to be killed due to memory.oom.group set',
    expected: {
      cgroup:
        '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6aa.scope',
    },
  },
];

describeRealLines('oom-group', LINES);
