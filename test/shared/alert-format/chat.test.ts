/**
 * The chat message against the custom notification schema kept in test/fixtures/chat/ (with its sources), and
 * within the conservative caps of shared/alert-format/chat.ts, for every kind of alert, a digest, an unreadable
 * event and generated hostile events.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertContext } from '../../../shared/alert-format/alert-message.ts';
import {
  CHAT_DESCRIPTION_MAX,
  CHAT_NEXT_STEPS_MAX,
  CHAT_TITLE_MAX,
  type ChatNotification,
} from '../../../shared/alert-format/chat.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import { formatUnreadableAlert } from '../../../shared/alert-format/unreadable.ts';
import { formatDigest } from '../../../shared/format-digest.ts';
import { stormGroupOf, type StormDigest } from '../../../shared/storm-window.ts';
import { readInsightsLink } from '../../fixtures/console-link.ts';
import { arbitraryEvent } from '../../fixtures/enriched/arbitrary-event.ts';
import { hostileNameEvent } from '../../fixtures/enriched/edge-events.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

// ajv-formats is CommonJS with its function on `default`.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const schema = JSON.parse(
  readFileSync(new URL('../../fixtures/chat/custom-notification.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = ajv.compile(schema);

const context: AlertContext = {
  eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
  region: 'eu-west-1',
  kernelLogGroupName: '/eks-oom-alerts/prod-eu/kernel',
  dashboardName: 'eks-oom-alerts-prod-eu',
  runbookUrl: 'https://wiki.example.com/oom/{namespace}/{workload}',
  smsFor: 'all',
};

/** Valid against the schema, and within the caps. */
function expectDeliverable(chat: ChatNotification): void {
  // What goes on the topic is the JSON text: check that, not the object.
  const sent = JSON.parse(JSON.stringify(chat)) as unknown;
  expect(validate(sent), JSON.stringify(validate.errors)).toBe(true);
  expect(chat.content.title.length).toBeLessThanOrEqual(CHAT_TITLE_MAX);
  expect(chat.content.description.length).toBeLessThanOrEqual(CHAT_DESCRIPTION_MAX);
  const steps = chat.content.nextSteps ?? [];
  expect(steps.reduce((n, s) => n + s.length + 1, 0)).toBeLessThanOrEqual(CHAT_NEXT_STEPS_MAX);
  expect(Buffer.byteLength(JSON.stringify(chat))).toBeLessThan(256 * 1024);
}

function digestOf(kind: (typeof EXAMPLE_KINDS)[number]): StormDigest {
  const opened = Date.parse('2025-11-20T10:02:11.117Z');
  return {
    group: stormGroupOf(exampleEvent(kind)),
    openedAt: opened,
    closesAt: opened + 10 * 60_000,
    kills: 15,
    firstKillAt: '2025-11-20T10:02:11.117Z',
    lastKillAt: '2025-11-20T10:09:58.000Z',
    lastEventId: 'ip-10-0-1-23/83000.1/42001/node',
  };
}

describe('the schema fixture', () => {
  it('rejects what AWS says Chatbot drops', () => {
    expect(validate({ version: '1.0', source: 'custom', content: { title: 'no description' } })).toBe(false);
    expect(validate({ version: 1, source: 'custom', content: { description: 'd' } })).toBe(false);
  });
});

describe('chat message of an alert', () => {
  for (const kind of EXAMPLE_KINDS) {
    it(`${kind}: passes the custom notification schema and the caps`, () => {
      expectDeliverable(formatAlert(exampleEvent(kind), context).chat);
      expectDeliverable(formatAlert(exampleEvent(kind), { eventsLogGroupName: null }).chat);
    });
  }

  it('leads with the pod and the impact; next steps are the e-mail’s commands and links', () => {
    const chat = formatAlert(exampleEvent('container-limit'), context).chat;
    expect(chat.content.description.split('\n').slice(0, 2)).toEqual([
      'Pod: `prod/checkout-api-5b8f9c7d6-k4m2p`, container `api`, Deployment `checkout-api`',
      "Impact: The container's main process was killed and the container restarted (restart count 7; last termination: OOMKilled, exit code 137, at 2025-11-20 10:02:11 UTC).",
    ]);
    const steps = chat.content.nextSteps ?? [];
    expect(steps.slice(0, 3)).toEqual([
      '`kubectl -n prod describe pod checkout-api-5b8f9c7d6-k4m2p`',
      '`kubectl -n prod logs checkout-api-5b8f9c7d6-k4m2p -c api --previous`',
      '`kubectl -n prod top pod checkout-api-5b8f9c7d6-k4m2p`',
    ]);
    const history = steps.find((s) => s.startsWith('OOM history of this pod'))!;
    const link = readInsightsLink(history.slice(history.indexOf('https://')));
    expect(link.region).toBe('eu-west-1');
    expect(link.detail.source).toEqual(['/eks-oom-alerts/prod-eu/events']);
    expect(chat.content.textType).toBe('client-markdown');
    expect(chat.metadata?.threadId).toBe(stormGroupOf(exampleEvent('container-limit')).key);
  });

  it("a kill known only by the kernel's choice, or only by its cgroup: says what is not known", () => {
    const selection = formatAlert(selectionOnlyKill(), context).chat;
    expectDeliverable(selection);
    expect(selection.content.description).toContain(
      '\nProcess: `java` (pid 27281) or a child of it\nThe kernel chose java (pid 27281) but its "Killed process" line was not seen.',
    );
    const cgroupOnly = formatAlert(cgroupOnlyKill(), context).chat;
    expectDeliverable(cgroupOnly);
    expect(cgroupOnly.content.description).toContain(
      '\nProcess: unknown\nWhich process was killed is not known: the kernel lines seen name only its cgroup.\n',
    );
  });

  it("carries the e-mail's right-sizing hint, as one line before the event id", () => {
    const event = exampleEvent('container-limit');
    const at = Date.parse(event.observedAt!);
    const containerKills = [3, 0].map((hoursBefore, n) => ({
      eventId: `e${n}`,
      atMs: at - hoursBefore * 60 * 60_000,
      usageKb: 524288,
      limitKb: 524288,
    }));
    const chat = formatAlert(event, { ...context, containerKills }).chat;
    expectDeliverable(chat);
    expect(chat.content.description.split('\n').slice(-2)).toEqual([
      'Right-sizing: This container hit its memory limit 2 times in the 24 h up to this kill, the first at ' +
        '2025-11-20 07:02:11 UTC: peak usage 512Mi, limit 512Mi. If it needs that memory, a limit of 640Mi ' +
        '(the peak × 1.25) leaves it room; if its usage grows until it hits any limit, look for a leak instead.',
      `Event id: \`${event.id}\``,
    ]);
    expect(formatAlert(event, context).chat.content.description).not.toContain('Right-sizing');
  });

  it('leaves the hint out, rather than cut the rest, when the description would pass its cap with it', () => {
    const base = exampleEvent('container-limit');
    const at = Date.parse(base.observedAt!);
    const containerKills = [1, 0].map((hoursBefore, n) => ({
      eventId: `e${n}`,
      atMs: at - hoursBefore * 60 * 60_000,
      usageKb: 524288,
      limitKb: 524288,
    }));
    const withDetail = (detail: string) => ({
      ...base,
      enrichment: { status: 'resolved-from-events' as const, detail },
    });
    const room = CHAT_DESCRIPTION_MAX - formatAlert(withDetail(''), context).chat.content.description.length;
    const event = withDetail('x'.repeat(room - 100));
    const description = formatAlert(event, { ...context, containerKills }).chat.content.description;
    expect(description).toBe(formatAlert(event, context).chat.content.description);
    expect(description).not.toContain('Right-sizing');
    expect(description.length).toBe(CHAT_DESCRIPTION_MAX - 100);
    expect(description.endsWith(`Event id: \`${base.id}\``)).toBe(true);
  });

  it('a group kill says how many died with the victim', () => {
    const event = { ...exampleEvent('container-limit'), coVictimCount: 312 };
    expect(formatAlert(event, context).chat.content.description).toContain(
      '312 more processes killed with it (memory.oom.group).',
    );
  });

  it('a hostile process name cannot close a code span, mention a channel or break a line', () => {
    const event = hostileNameEvent();
    const hostile = { ...event, victim: { ...event.victim, name: '`<!here>`\nx' } };
    const chat = formatAlert(hostile, context).chat;
    expect(chat.content.description).toContain("Process: `'‹!here›'\\x0ax` (pid 41872)");
    expect(chat.content.description).not.toContain('<!here>');
    expect(chat.content.title).not.toMatch(/[<>`]/);
  });

  it('an observedAt that is not a time cannot mention a channel or break a line', () => {
    const event = { ...exampleEvent('container-limit'), observedAt: '<!here>\nInjected' };
    const description = formatAlert(event, context).chat.content.description;
    expect(description).not.toContain('<!here>');
    expect(description.split('\n')).not.toContain('Injected');
  });
});

describe('chat message of a digest', () => {
  it('threads with the alert of its storm, and links every kill of the storm in Logs Insights', () => {
    const digest = digestOf('container-limit');
    const chat = formatDigest(digest, context).chat;
    expectDeliverable(chat);
    expect(chat.content.title).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 8 min');
    expect(chat.metadata?.threadId).toBe(stormGroupOf(exampleEvent('container-limit')).key);
    const steps = chat.content.nextSteps ?? [];
    const history = steps.find((s) => s.startsWith('Every kill of this storm'))!;
    const link = readInsightsLink(history.slice(history.indexOf('https://')));
    expect(link.detail).toMatchObject({
      start: '2025-11-20T10:01:11.117Z',
      end: '2025-11-20T10:10:58.000Z',
      source: ['/eks-oom-alerts/prod-eu/events'],
    });
    expect(link.detail.editorString).toContain(
      'filter cluster = "prod-eu" and kubernetes.namespace = "prod"',
    );
    expect(steps).toContain('Runbook: https://wiki.example.com/oom/prod/checkout-api');
  });

  it("a node's storm links the runbook page of what it names, the unknown namespace and workload left out", () => {
    const steps = formatDigest(digestOf('host-process'), context).chat.content.nextSteps ?? [];
    expect(steps).toContain('Runbook: https://wiki.example.com/oom/');
  });

  for (const kind of EXAMPLE_KINDS) {
    it(`${kind} group: passes the schema and the caps`, () => {
      expectDeliverable(formatDigest(digestOf(kind), context).chat);
      expectDeliverable(formatDigest(digestOf(kind), { eventsLogGroupName: null }).chat);
    });
  }
});

describe('chat message of an unreadable event', () => {
  it('says so and passes the schema', () => {
    const chat = formatUnreadableAlert({ id: 'broken' }, 'field "schemaVersion" is missing').chat;
    expectDeliverable(chat);
    expect(chat.content.description).toContain('could not be read: field "schemaVersion" is missing');
  });
});

describe('chat message over generated events', () => {
  it('always passes the schema and the caps', () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        expectDeliverable(formatAlert(e, context).chat);
      }),
      { numRuns: 500 },
    );
  });
});
