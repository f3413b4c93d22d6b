import { describe, expect, it } from 'vitest';
import { continuesCutPath } from '../../shared/wrapped-path.ts';

// red team 21 L/02: a summary an author wrapped by hand, once at a comma and once inside task_memcg's path.
const HERDR_HEAD =
  'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=systemd-oomd.service,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/';
const HERDR_HEAD_RAW = 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=systemd-oomd.service,';
const HERDR_REST = 'user@1000.service/app.slice/workstation-herdr-server.service,task=chrome,pid=3670881';

describe('continuesCutPath', () => {
  it('takes the rest of a summary’s path, indented or going on with the summary’s next key (red team 21 L/02)', () => {
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, HERDR_REST, `  ${HERDR_REST}`)).toBe(true);
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, HERDR_REST, HERDR_REST)).toBe(true);
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, 'user@1000.service/', '  user@1000.service/')).toBe(
      true,
    );
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, 'app.slice,', '    app.slice,')).toBe(true);
  });

  it('takes the rest of an oom_memcg or cpuset path, and of an author’s spaced summary', () => {
    const oom =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/';
    expect(continuesCutPath(oom, oom, 'burstable/pod1,task_memcg=/kubepods/burstable/pod1', 'x')).toBe(true);
    const cpuset = 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/kubepods/';
    expect(continuesCutPath(cpuset, cpuset, 'burstable/pod1,mems_allowed=0', 'x')).toBe(true);
    const spaced = 'oom-kill: constraint=CONSTRAINT_NONE, global_oom, task_memcg=/user.slice/';
    expect(continuesCutPath(spaced, spaced, 'app.slice, task=x, pid=1, uid=0', 'x')).toBe(true);
  });

  it('takes the rest of a `Task in` line’s cgroups and of the group line’s', () => {
    const rest = '0f2b3fcd killed as a result of limit of /docker/';
    expect(continuesCutPath('Task in /docker/', 'Task in /docker/', rest, rest)).toBe(true);
    expect(continuesCutPath(`Task in /docker/${rest}`, 'Task in /docker/', '0f2b3fcd', '  0f2b3fcd')).toBe(
      true,
    );
    const group = 'Tasks in /kubepods.slice/';
    const groupRest = 'pod1.slice are going to be killed due to memory.oom.group set';
    expect(continuesCutPath(group, group, groupRest, groupRest)).toBe(true);
  });

  it('measures the indent behind a line comment’s mark, as behind quoting (red team 25 X/06, a markdown guide’s bash fence)', () => {
    const head =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=default,mems_allowed=0,global_oom,task_memcg=/kubepods/';
    const rest = 'burstable/pod8f3c2a1b-4d7e-11ed-8a2f-0a580a812c2f/';
    const first = ' [1234567.890123] oom-kill:constraint=CONSTRAINT_MEMCG,';
    for (const mark of ['#', '//', '>']) {
      expect(continuesCutPath(head, `${mark}${first}`, rest, `${mark}   ${rest}`)).toBe(true);
      expect(continuesCutPath(head, `${mark}${first}`, rest, `${mark} ${rest}`)).toBe(false);
    }
    // A comment's line goes on in a comment: an indented line that is none is not its rest.
    expect(continuesCutPath(head, `#${first}`, rest, `    ${rest}`)).toBe(false);
    expect(continuesCutPath(head, `  ${first}`, rest, `#   ${rest}`)).toBe(false);
  });

  it('takes no line that is neither indented nor goes on with the kernel’s line', () => {
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, 'thanks', 'thanks')).toBe(false);
    expect(
      continuesCutPath(`Task in /docker/0f killed as a result of limit of /docker/`, 'x', 'abc', 'abc'),
    ).toBe(false);
  });

  it('takes no text after a path that the kernel does not print after it, nor a writer’s elision', () => {
    expect(
      continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, 'app.slice killed as a result of limit of /x', '  x'),
    ).toBe(false);
    expect(continuesCutPath('Task in /docker/', 'Task in /docker/', 'abc,task=x', '  abc,task=x')).toBe(
      false,
    );
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, 'see below', '  see below')).toBe(false);
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, '...', '  ...')).toBe(false);
    expect(continuesCutPath(HERDR_HEAD, HERDR_HEAD_RAW, '/app.slice', '  /app.slice')).toBe(false);
  });

  it('takes nothing after a line that is no cut path of a summary or a `Task in` line', () => {
    expect(continuesCutPath('oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)/', 'x', 'a', '  a')).toBe(
      false,
    );
    expect(continuesCutPath(`${HERDR_HEAD}a`, HERDR_HEAD_RAW, HERDR_REST, `  ${HERDR_REST}`)).toBe(false);
    expect(continuesCutPath('Memory cgroup stats for /docker/', 'x', 'abc:', '  abc:')).toBe(false);
    expect(continuesCutPath('see /usr/lib/', 'x', 'abc', '  abc')).toBe(false);
  });
});
