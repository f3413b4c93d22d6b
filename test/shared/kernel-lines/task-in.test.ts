import { describe, expect, it } from 'vitest';
import { taskInLine } from '../../../shared/kernel-lines/task-in.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'task-in'>[] = [
  {
    source: 'test/fixtures/kernel-logs/blog-3.10-to-5.10-oneliners.log (4.19)',
    line: 'Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope killed as a result of limit of /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice',
    expected: {
      task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope',
      oom: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice',
      truncated: false,
    },
  },
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log (pager cut)',
    line: 'Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf05bdc36_dd14_4537_9b91_57cc07df0932.slice/docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118f>',
    truncated: true,
    expected: {
      task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf05bdc36_dd14_4537_9b91_57cc07df0932.slice/docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118f',
      oom: null,
      truncated: true,
    },
  },
  {
    source:
      'the first line above as `less -S` shows it 250 columns wide: the limit path that ends it is cut (red team)',
    line: 'Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope killed as a result of limit of /kubepods.slice/kubepods-bu>',
    truncated: true,
    expected: {
      task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope',
      oom: null,
      truncated: false,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/91-lxc-dmesg-task-in-in-three-stamped-pieces.log (the first of the pieces another message split)',
    line: 'Task in /lxc/foo',
    expected: { task: '/lxc/foo', oom: null, truncated: false },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/102-python-comments-task-in-and-summary-with-pylint-trailers.log (a comment after the line)',
    line: 'Task in /kubepods/burstable/podaf389229-5fc5-4617-ae95-9160d576eb49/3b3d031aca1bab63c359a8aac8c18e373ac90373faf12c69e5225aec01fc9c84 killed as a result of limit of /kubepods/burstable/podaf389229-5fc5-4617-ae95-9160d576eb49  # pylint: disable=line-too-long',
    expected: {
      task: '/kubepods/burstable/podaf389229-5fc5-4617-ae95-9160d576eb49/3b3d031aca1bab63c359a8aac8c18e373ac90373faf12c69e5225aec01fc9c84',
      oom: '/kubepods/burstable/podaf389229-5fc5-4617-ae95-9160d576eb49',
    },
  },
];

describeRealLines('task-in', LINES);

describe('task-in: the first piece alone', () => {
  it('is no prose that starts with the words', () => {
    for (const text of ['Task in progress', 'Task in /tmp then more words', 'Task in '])
      expect([text, taskInLine.read(text, false)]).toEqual([text, null]);
  });
});

describe('task-in: a path an author elided (twenty-second red team Q/01, Q/07: no kernel path holds an ellipsis)', () => {
  it('is a cut path, wherever the ellipsis stands', () => {
    expect(
      taskInLine.read(
        'Task in /docker/55c9ffc4... killed as a result of limit of /docker/55c9ffc4...',
        false,
      ),
    ).toMatchObject({ task: '/docker/55c9ffc4...', truncated: true });
    expect(
      taskInLine.read('Task in /kubepods/…/pod1/abc killed as a result of limit of /kubepods', false),
    ).toMatchObject({ task: '/kubepods/…/pod1/abc', oom: '/kubepods', truncated: true });
    expect(taskInLine.read('Task in /lxc/foo…', false)).toMatchObject({ task: '/lxc/foo…', truncated: true });
  });
});
