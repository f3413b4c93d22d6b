/**
 * The phrases every channel builds from: who was killed and where, which limit was hit, what the kill did, and
 * how much of it Kubernetes could confirm.
 */
import { formatKb, formatTime, isUnlimitedKb } from '../format-figures.ts';
import { displayText } from '../format-text.ts';
import { el6KillLine } from '../kernel-lines/el6-kill.ts';
import { killLine } from '../kernel-lines/kill.ts';
import { reapedLine } from '../kernel-lines/reaped.ts';
import { earlySelectionLine } from '../kernel-lines/early-selection.ts';
import { sacrificeLine } from '../kernel-lines/sacrifice.ts';
import { sharedMemoryKillLine } from '../kernel-lines/shared-memory-kill.ts';
import { ubKillLine } from '../kernel-lines/ub-kill.ts';
import type { EnrichedOomEvent, KubernetesIdentity, OomEvent } from '../oom-event.ts';

/** Who was killed, as far as anyone could tell. */
export type VictimKind = 'pod-process' | 'unresolved-pod' | 'host-process' | 'unattributed';

export const UNKNOWN = 'unknown';

export function victimKindOf(event: EnrichedOomEvent): VictimKind {
  if (event.kubernetes !== null) return 'pod-process';
  if (event.impact === 'host-process' || event.enrichment.status === 'not-a-pod') return 'host-process';
  if (event.pod !== null) return 'unresolved-pod';
  return 'unattributed';
}

/** The node itself ran out of memory, rather than a cgroup hitting its limit. */
export function isSystemOom(event: EnrichedOomEvent): boolean {
  return event.constraint === 'system' || event.limitScope === 'node';
}

export function processName(event: EnrichedOomEvent): string {
  return event.victim.name === null ? 'unknown process' : displayText(event.victim.name);
}

/** The kernel's choice of victim, in each spelling. */
const SELECTION_LINES = [sacrificeLine, earlySelectionLine];

/**
 * Lines that show a process died: `Killed process N …` (RHEL 6's and OpenVZ's too) or the reaper's `reaped
 * process N`.
 */
const KILL_EVIDENCE = [killLine, el6KillLine, ubKillLine, reapedLine];

function isKillEvidence(line: string): boolean {
  return KILL_EVIDENCE.some(
    (recognizer) => line.includes(recognizer.marker) && recognizer.read(line, false) !== null,
  );
}

/**
 * The kill is known only by the kernel's choice, `Kill process N (comm) score S or sacrifice child` (kernels
 * before 4.19), and no kill line followed: the victim's pid and name are those of the process chosen, but the
 * kernel kills a child of it instead when it has one to sacrifice.
 */
export function isSelectionOnlyKill(event: OomEvent): boolean {
  const { pid, name } = event.victim;
  if (event.complete || (pid === null && name === null)) return false;
  let chosen = false;
  for (const line of event.lines) {
    if (isKillEvidence(line)) return false;
    if (SELECTION_LINES.some((selection) => choosesVictim(selection.read(line, false), pid, name)))
      chosen = true;
  }
  return chosen;
}

/** Whether a selection line names the victim: by its pid, or by its comm when an author masked the pid. */
function choosesVictim(
  read: { pid: number | null; name: string | null } | null,
  pid: number | null,
  name: string | null,
): boolean {
  return read !== null && read.pid === pid && (pid !== null || read.name === name);
}

/** No line named the process killed: the kill is known by its cgroup (a lone `Task in X killed as a result of limit of Y`), if at all. */
export function isVictimUnknown(event: OomEvent): boolean {
  return event.victim.pid === null && event.victim.name === null;
}

/** Who was killed, as far as the kernel told: `java`, `java or a child of it`, `unknown process`. */
export function victimName(event: EnrichedOomEvent): string {
  return isSelectionOnlyKill(event) ? `${processName(event)} or a child of it` : processName(event);
}

/**
 * `process node`, `process java or a child of it`, `unknown process`: the victim marked as a process where a
 * few words name it (the SMS, the subject, the e-mail's headline), so that a comm such as `node` does not read
 * as the node.
 */
export function victimProcess(event: EnrichedOomEvent): string {
  return event.victim.name === null ? victimName(event) : `process ${victimName(event)}`;
}

/** `java (pid 27281, uid 0)`, `java (pid 27281) or a child of it`, `unknown process`. */
export function victimWithIds(event: EnrichedOomEvent, withUid = false): string {
  const { pid, uid } = event.victim;
  const ids = [pid === null ? null : `pid ${pid}`, withUid && uid !== null ? `uid ${uid}` : null].filter(
    (id) => id !== null,
  );
  const named = `${processName(event)}${ids.length === 0 ? '' : ` (${ids.join(', ')})`}`;
  return isSelectionOnlyKill(event) ? `${named} or a child of it` : named;
}

/** `host process java`, or `unknown host process` when no line named it. */
export function hostProcessLabel(event: EnrichedOomEvent): string {
  return isVictimUnknown(event) ? 'unknown host process' : `host process ${victimName(event)}`;
}

/** Why the alert cannot name the process killed for certain; null when it can. */
export function victimCaveat(event: EnrichedOomEvent): string | null {
  if (isSelectionOnlyKill(event)) {
    const pid = event.victim.pid;
    const chosen = pid === null ? processName(event) : `${processName(event)} (pid ${pid})`;
    return (
      `The kernel chose ${chosen} but its "Killed process" line was not seen. When the chosen process has a ` +
      `child to sacrifice, the kernel kills the child instead: the process killed may have been a child of ${chosen}.`
    );
  }
  if (!isVictimUnknown(event)) return null;
  return event.cgroup.task === null
    ? 'Which process was killed is not known: no kernel line that names it was seen.'
    : 'Which process was killed is not known: the kernel lines seen name only its cgroup.';
}

export function nodeName(event: EnrichedOomEvent): string {
  return event.node === null ? 'unknown node' : displayText(event.node);
}

/** `ip-10-0-1-23` of `ip-10-0-1-23.eu-west-1.compute.internal`: enough to find the node, short enough for a subject. */
export function shortNodeName(event: EnrichedOomEvent): string {
  return event.node === null ? 'unknown node' : displayText(event.node.split('.')[0] || event.node);
}

/** `prod/checkout-api (api)`: the workload people know, and the container. */
export function podLabel(k8s: KubernetesIdentity): string {
  const base = `${displayText(k8s.namespace)}/${displayText(k8s.workload?.name ?? k8s.pod)}`;
  return k8s.container === null ? base : `${base} (${displayText(k8s.container)})`;
}

/**
 * Who was killed, in a few words (the SMS, the subject): the workload and container, the pod known only by the
 * UID in its cgroup path (`pod 3962896b (unresolved)`), the host process, or `pod unknown`.
 */
export function victimLabel(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  switch (victimKindOf(event)) {
    case 'pod-process':
      return k8s === null ? victimName(event) : podLabel(k8s);
    case 'host-process':
      return hostProcessLabel(event);
    case 'unresolved-pod':
      return `pod ${displayText((event.pod?.uid ?? UNKNOWN).slice(0, 8))} (unresolved)`;
    case 'unattributed':
      return 'pod unknown';
  }
}

/** The limit the kernel enforced, in the units of a pod spec; the spec's value when the kernel gave none. */
export function limitFigure(event: EnrichedOomEvent): string | null {
  const kb = event.memory?.limitKb ?? null;
  if (kb !== null && !isUnlimitedKb(kb)) return formatKb(kb);
  if (event.limitScope === 'container' && event.kubernetes?.memoryLimit)
    return displayText(event.kubernetes.memoryLimit);
  return null;
}

/** `512Mi limit`, `64Mi pod limit`, `burstable QoS limit`: which limit, for a subject or an SMS. */
export function limitToken(event: EnrichedOomEvent): string {
  const figure = limitFigure(event);
  const withFigure = (what: string): string => (figure === null ? what : `${figure} ${what}`);
  switch (event.limitScope) {
    case 'container':
      return figure === null ? 'container limit' : `${figure} limit`;
    case 'pod':
      return withFigure('pod limit');
    case 'qos':
      return withFigure(`${event.pod?.qos ?? 'QoS'} QoS limit`);
    case 'kubepods':
      return withFigure('kubepods limit');
    case 'node':
      return 'node memory';
    case 'other':
      return withFigure('cgroup limit');
    case null:
      return withFigure('limit');
  }
}

/** One sentence on which limit was hit and what it means. */
export function limitSentence(event: EnrichedOomEvent): string {
  const figure = limitFigure(event);
  const of = figure === null ? '' : ` (${figure})`;
  switch (event.limitScope) {
    case 'container':
      return `The container's own memory limit${of} was hit.`;
    case 'pod':
      return `The pod's memory limit${of} was hit: the sum of its containers' limits, shared by all of them.`;
    case 'qos':
      return `The ${event.pod?.qos ?? ''} QoS class cgroup limit${of} was hit: all pods of that class on the node share it.`.replace(
        '  ',
        ' ',
      );
    case 'kubepods':
      return `The kubepods cgroup limit${of} was hit: all pods on the node share it (node allocatable).`;
    case 'node':
      return 'The node ran out of memory (system OOM): the kernel chose a victim across the whole node.';
    case 'other':
      return `A cgroup limit${of} was hit on ${event.cgroup.oom === null ? 'a cgroup' : displayText(event.cgroup.oom)}.`;
    case null:
      return isSystemOom(event)
        ? 'The node ran out of memory (system OOM): the kernel chose a victim across the whole node.'
        : `A memory limit${of} was hit; the kernel text did not show which one.`;
  }
}

/**
 * Why the kernel killed others with the victim: they shared its memory (`Kill process N (comm) sharing same
 * memory`, kernels of the 2.6.3x to 4.x era), or, by default, its cgroup's memory.oom.group.
 */
function coVictimsReason(event: EnrichedOomEvent): string {
  const sharing = event.lines.some((line) => sharedMemoryKillLine.read(line, false) !== null);
  return sharing ? 'sharing its memory' : 'memory.oom.group';
}

/** `312 more processes killed with it (memory.oom.group)`: the whole group, not only the ones the event lists. */
export function coVictimsSentence(event: EnrichedOomEvent): string | null {
  const count = Math.max(event.coVictimCount, event.coVictims.length);
  if (count === 0) return null;
  return `${count} more process${count === 1 ? '' : 'es'} killed with it (${coVictimsReason(event)})`;
}

export function impactParagraph(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  switch (event.impact) {
    case 'container-restarted': {
      const restarts = k8s?.restartCount ?? null;
      const last = k8s?.lastTermination ?? null;
      const facts = [
        restarts === null ? null : `restart count ${restarts}`,
        last === null
          ? null
          : `last termination: ${displayText(last.reason ?? UNKNOWN)}, exit code ${last.exitCode ?? UNKNOWN}, at ${formatTime(last.finishedAt)}`,
      ].filter((f) => f !== null);
      return `The container's main process was killed and the container restarted${facts.length === 0 ? '' : ` (${facts.join('; ')})`}.`;
    }
    case 'process-killed-container-running':
      return (
        'Child process killed, container kept running. Kubernetes does not report this kill: no OOMKilled ' +
        'status, no restart. Whatever that process was doing (a request, a job, a worker) was lost.'
      );
    case 'pod-deleted':
      return 'The pod no longer exists: it was deleted or evicted before it could be looked up.';
    case 'host-process':
      return (
        'A process outside any pod was killed on the node: a system daemon (kubelet, containerd), an agent or a ' +
        'process started by hand. Kubernetes does not report this kill.'
      );
    case 'unknown':
      return 'Whether the container restarted is not known.';
  }
}

export function enrichmentNote(event: EnrichedOomEvent): string | null {
  const detail = event.enrichment.detail === null ? '' : ` (${displayText(event.enrichment.detail)})`;
  switch (event.enrichment.status) {
    case 'resolved':
    case 'not-a-pod':
      return null;
    case 'resolved-from-events':
      return `The pod was gone; its identity comes from Kubernetes Events${detail}.`;
    case 'not-found':
      return `The pod was not found in the cluster${detail}. Below is what the kernel reported.`;
    case 'unavailable':
      return `The cluster could not be asked who this pod is${detail}. Below is what the kernel reported.`;
  }
}
