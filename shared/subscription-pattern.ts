/**
 * The CloudWatch Logs subscription filter pattern: OR-ed terms that match only the lines of a kernel OOM
 * report that carry facts (trigger, cgroups, memory figures, kills). Call traces, registers, memcg counters
 * and task-table rows are not forwarded: the task table has no distinctive term, and functions/enrich fetches
 * the surrounding lines when an event lacks them (see docs/parser.md).
 *
 * Terms are case-sensitive substrings; CloudWatch requires double quotes around terms with spaces or symbols.
 */
export const FORWARDED_TERMS = [
  'invoked oom-killer',
  'oom-kill:',
  'Killed process',
  'Kill process',
  // 2.6.19–2.6.25 spell the choice of victim in lower case; OpenVZ's container kill.
  'kill process',
  'OOM killed process',
  'killed as a result of limit of',
  // The first pr_cont piece of the line above, a record of its own when another CPU printed in between.
  'Task in /',
  'Memory limit reached of cgroup',
  'cpuset=',
  'memory: usage',
  'swap: usage',
  'Memory cgroup stats for',
  'memory.oom.group',
  'OOM victim',
  'oom_reaper',
  'callbacks suppressed',
] as const;

export const KERNEL_OOM_FILTER_PATTERN = FORWARDED_TERMS.map((term) => `?"${term}"`).join(' ');
