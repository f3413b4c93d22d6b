/**
 * The chat message: an AWS Chatbot (Amazon Q Developer in chat applications) custom notification, which the
 * chat topic carries to Slack or Microsoft Teams. Field set from AWS's "Custom notifications" guide (see
 * test/fixtures/chat/README.md); the pod and the impact lead, the next steps are the e-mail's.
 *
 * Caps, kept conservative because AWS's limits could not be read: the title at 250 characters (a limit quoted
 * from that guide by third-party code, not seen in AWS text), the description and the next steps at 3,000
 * characters each (Slack's limit for the text of one message block; whether Chatbot renders into one block
 * is not known).
 */
import { formatKb, formatTime, percentOf, victimRssKb } from '../format-figures.ts';
import { displayText, truncateText } from '../format-text.ts';
import { detailTypeOf, type EnrichedOomEvent } from '../oom-event.ts';
import { stormGroupOf, type StormDigest } from '../storm-window.ts';
import { rightSizingHint } from '../right-sizing.ts';
import type { AlertContext } from './alert-message.ts';
import {
  coVictimsSentence,
  enrichmentNote,
  impactParagraph,
  isSelectionOnlyKill,
  isVictimUnknown,
  limitSentence,
  nodeName,
  processName,
  victimCaveat,
  victimKindOf,
} from './event-wording.ts';
import {
  consoleLinkStep,
  dashboardStep,
  nextSteps,
  runbookStep,
  timeRange,
  type NextStep,
} from './next-steps.ts';

export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    /** Alerts and digests of one storm group share a thread (when the channel allows threads). */
    threadId?: string;
    summary?: string;
    eventType?: string;
    additionalContext?: Record<string, string>;
  };
}

export const CHAT_TITLE_MAX = 250;
export const CHAT_DESCRIPTION_MAX = 3000;
export const CHAT_NEXT_STEPS_MAX = 3000;

/**
 * Lookalikes rather than backslash escapes: Slack's mrkdwn shows a backslash as it is. `(` and `)` stay: without
 * `[` and `]` they make no link, and the wording itself uses them.
 */
const MARKUP_LOOKALIKES: Record<string, string> = {
  '`': "'",
  '<': '‹',
  '>': '›',
  '*': '∗',
  _: '＿',
  '~': '∼',
  '[': '［',
  ']': '］',
};

/** Text safe inside a code span: no backtick to close it, no Slack `<!here>` or `<url>` (parsed even there). */
function codeText(text: string): string {
  return displayText(text).replace(/[`<>]/g, (c) => MARKUP_LOOKALIKES[c] ?? c);
}

/** Kernel or cluster text with nothing a chat reads as markup: also no emphasis, strike-through or link. */
function plain(text: string): string {
  return codeText(text).replace(/[*_~[\]]/g, (c) => MARKUP_LOOKALIKES[c] ?? c);
}

function code(text: string): string {
  return `\`${codeText(text)}\``;
}

function podLine(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  if (k8s !== null) {
    const container = k8s.container === null ? '' : `, container ${code(k8s.container)}`;
    const workload =
      k8s.workload === null ? ', bare pod' : `, ${plain(k8s.workload.kind)} ${code(k8s.workload.name)}`;
    return `Pod: ${code(`${k8s.namespace}/${k8s.pod}`)}${container}${workload}`;
  }
  switch (victimKindOf(event)) {
    case 'unresolved-pod':
      return `Pod: uid ${code(event.pod?.uid ?? '')} (not resolved)`;
    case 'host-process':
      return 'Pod: none, a process on the node itself';
    default:
      return 'Pod: unknown, the kernel lines that name the cgroup were not seen';
  }
}

function usageText(event: EnrichedOomEvent): string {
  const m = event.memory;
  if (m === null || m.usageKb === null) return '';
  const pct = percentOf(m.usageKb, m.limitKb);
  const limit = m.limitKb === null ? '' : ` of ${formatKb(m.limitKb)}`;
  return ` Usage ${formatKb(m.usageKb)}${limit}${pct === null ? '' : ` (${pct}%)`}.`;
}

function processLine(event: EnrichedOomEvent): string {
  if (isVictimUnknown(event)) return 'Process: unknown';
  const rss = victimRssKb(event.victim);
  const pid = event.victim.pid === null ? '' : ` (pid ${event.victim.pid})`;
  const child = isSelectionOnlyKill(event) ? ' or a child of it' : '';
  return `Process: ${code(processName(event))}${pid}${child}${rss === null ? '' : `, RSS ${formatKb(rss)}`}`;
}

/** Lines joined, cut at `max` with the cut marked: the first lines (pod, impact) survive. */
function fitLines(lines: readonly string[], max: number): string {
  return truncateText(lines.join('\n'), max);
}

/** The e-mail's right-sizing hint as one line, when there is one and the description still fits its cap with it. */
function rightSizingLine(
  event: EnrichedOomEvent,
  context: AlertContext,
  others: readonly string[],
): string[] {
  const hint = rightSizingHint(event, context.containerKills ?? null);
  if (hint.length === 0) return [];
  const line = `Right-sizing: ${plain(hint.join(' '))}`;
  return [...others, line].join('\n').length <= CHAT_DESCRIPTION_MAX ? [line] : [];
}

function chatStep(step: NextStep): string {
  switch (step.kind) {
    case 'command':
      return code(step.command);
    case 'note':
      return plain(step.text);
    case 'link':
      return `${plain(step.what)}: ${step.url}`;
  }
}

/** Next steps as chat lines, kept whole: a step that would pass the cap is left out, not cut. */
function chatSteps(steps: readonly NextStep[]): string[] {
  const out: string[] = [];
  let used = 0;
  for (const step of steps) {
    const line = chatStep(step);
    if (used + line.length + 1 > CHAT_NEXT_STEPS_MAX) continue;
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

function chatTitle(subject: string): string {
  return truncateText(plain(subject), CHAT_TITLE_MAX);
}

export function chatAlert(event: EnrichedOomEvent, subject: string, context: AlertContext): ChatNotification {
  const note = enrichmentNote(event);
  const group = coVictimsSentence(event);
  const caveat = victimCaveat(event);
  const lines = [
    podLine(event),
    `Impact: ${plain(impactParagraph(event))}`,
    ...(group === null ? [] : [`${group}.`]),
    `Limit: ${plain(limitSentence(event))}${usageText(event)}`,
    processLine(event),
    ...(caveat === null ? [] : [plain(caveat)]),
    `Node: ${code(nodeName(event))}, cluster ${code(event.cluster)}, ${plain(formatTime(event.observedAt))}`,
    ...(note === null ? [] : [plain(note)]),
    `Event id: ${code(event.id)}`,
  ];
  const description = fitLines(
    [...lines.slice(0, -1), ...rightSizingLine(event, context, lines), ...lines.slice(-1)],
    CHAT_DESCRIPTION_MAX,
  );
  const steps = chatSteps(nextSteps(event, context));
  const namespace = event.kubernetes?.namespace;
  return {
    version: '1.0',
    source: 'custom',
    id: event.id,
    content: {
      textType: 'client-markdown',
      title: chatTitle(subject),
      description,
      ...(steps.length === 0 ? {} : { nextSteps: steps }),
      keywords: [event.cluster, event.impact, ...(namespace === undefined ? [] : [namespace])],
    },
    metadata: {
      threadId: stormGroupOf(event).key,
      summary: chatTitle(subject),
      eventType: detailTypeOf(event),
      additionalContext: { cluster: event.cluster, impact: event.impact },
    },
  };
}

/** What a digest tells chat: its subject and text, and the query that lists every kill of its storm. */
export interface DigestText {
  subject: string;
  text: string;
  historyQuery: string;
}

export function chatDigest(digest: StormDigest, text: DigestText, context: AlertContext): ChatNotification {
  const group = digest.group;
  const minute = 60_000;
  const history = consoleLinkStep(context, {
    what: 'Every kill of this storm in Logs Insights',
    query: text.historyQuery,
    range: timeRange(Date.parse(digest.firstKillAt) - minute, Date.parse(digest.lastKillAt) + minute, 86_400),
  });
  const runbook = runbookStep(context, {
    cluster: group.cluster,
    namespace: group.namespace ?? null,
    workload: group.workload?.name ?? null,
    container: group.container ?? null,
  });
  const steps = chatSteps([history, dashboardStep(context), runbook].filter((step) => step !== null));
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: chatTitle(text.subject),
      description: fitLines([plain(text.text)], CHAT_DESCRIPTION_MAX),
      ...(steps.length === 0 ? {} : { nextSteps: steps }),
      keywords: [group.cluster, 'storm'],
    },
    metadata: { threadId: group.key, summary: chatTitle(text.subject), eventType: 'OOM storm digest' },
  };
}

/** An event that could not be read: chat says so; the e-mail shows what arrived. */
export function chatUnreadable(subject: string, text: string): ChatNotification {
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: chatTitle(subject),
      description: fitLines([plain(text)], CHAT_DESCRIPTION_MAX),
    },
  };
}
