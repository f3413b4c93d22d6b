import { describe, expect, it } from 'vitest';
import type { AlertContext } from '../../../shared/alert-format/alert-message.ts';
import { alertEmail } from '../../../shared/alert-format/email.ts';
import {
  historyQuery,
  nextSteps,
  runbookTemplateProblems,
  runbookUrl,
  type NextStep,
} from '../../../shared/alert-format/next-steps.ts';
import { INSIGHTS_QUERIES } from '../../../shared/insights-queries.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { readInsightsLink } from '../../fixtures/console-link.ts';
import { hostProcessOverItsLimit } from '../../fixtures/enriched/edge-events.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';

const EVENTS = '/eks-oom-alerts/prod-eu/events';
const KERNEL = '/eks-oom-alerts/prod-eu/kernel';
const context: AlertContext = {
  eventsLogGroupName: EVENTS,
  region: 'eu-west-1',
  kernelLogGroupName: KERNEL,
  dashboardName: 'eks-oom-alerts-prod-eu',
  runbookUrl: 'https://wiki.example.com/oom?c={cluster}&ns={namespace}&w={workload}&ct={container}',
  smsFor: 'all',
};

const commands = (steps: readonly NextStep[]) =>
  steps.flatMap((s) => (s.kind === 'command' ? [s.command] : []));
const notesAndCommands = (steps: readonly NextStep[]) =>
  steps.flatMap((s) => (s.kind === 'command' ? [s.command] : s.kind === 'note' ? [s.text] : []));
const links = (steps: readonly NextStep[]) => steps.flatMap((s) => (s.kind === 'link' ? [s] : []));
const linkTo = (steps: readonly NextStep[], what: RegExp) => {
  const found = links(steps).find((l) => what.test(l.what));
  if (found === undefined) throw new Error(`no link ${String(what)} in ${JSON.stringify(steps)}`);
  return found.url;
};
const POD_HISTORY = INSIGHTS_QUERIES.find((q) => q.name === 'pod-history')!;

describe('nextSteps: a pod whose container restarted', () => {
  const event = exampleEvent('container-limit');
  const steps = nextSteps(event, context);

  it('gives the kubectl commands for the pod, the previous logs of the container that restarted', () => {
    expect(commands(steps)).toEqual([
      'kubectl -n prod describe pod checkout-api-5b8f9c7d6-k4m2p',
      'kubectl -n prod logs checkout-api-5b8f9c7d6-k4m2p -c api --previous',
      'kubectl -n prod top pod checkout-api-5b8f9c7d6-k4m2p',
    ]);
  });

  it("links Logs Insights on the events log group, in the stack's region, with the saved pod-history query filled in, from 24 h before the kill", () => {
    const link = readInsightsLink(linkTo(steps, /^OOM history of this pod/));
    expect(link.host).toBe('eu-west-1.console.aws.amazon.com');
    expect(link.region).toBe('eu-west-1');
    expect(link.detail.source).toEqual([EVENTS]);
    expect(link.detail.editorString).toBe(
      POD_HISTORY.queryString
        .replace('"NAMESPACE"', '"prod"')
        .replace('"POD"', '"checkout-api-5b8f9c7d6-k4m2p"'),
    );
    expect(link.detail).toMatchObject({
      timeType: 'ABSOLUTE',
      start: '2025-11-19T10:02:11.117Z',
      end: '2025-11-20T11:02:11.117Z',
    });
  });

  it('links the dashboard and the runbook, its placeholders filled in and URL-encoded', () => {
    expect(linkTo(steps, /^Dashboard/)).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/eks-oom-alerts-prod-eu',
    );
    expect(linkTo(steps, /^Runbook$/)).toBe(
      'https://wiki.example.com/oom?c=prod-eu&ns=prod&w=checkout-api&ct=api',
    );
  });

  it('does not look at the node for a container limit', () => {
    expect(links(steps).map((l) => l.what)).toEqual([
      'OOM history of this pod in Logs Insights (from 24 h before the kill)',
      'Dashboard eks-oom-alerts-prod-eu',
      'Runbook',
    ]);
  });
});

describe('nextSteps: other kinds of kill', () => {
  it('a child process: no previous logs, the container did not restart', () => {
    expect(commands(nextSteps(exampleEvent('child-process'), context))).toEqual([
      'kubectl -n prod describe pod web-7d9c6b5f4-zt8qw',
      'kubectl -n prod top pod web-7d9c6b5f4-zt8qw',
    ]);
  });

  it('a deleted pod: its events, which outlive it', () => {
    const gone = { ...exampleEvent('container-limit'), impact: 'pod-deleted' as const };
    expect(commands(nextSteps(gone, context))).toEqual([
      'kubectl -n prod get events --field-selector involvedObject.name=checkout-api-5b8f9c7d6-k4m2p',
    ]);
  });

  it('a system OOM: the pod, then the node that ran out of memory, and its kernel log', () => {
    const steps = nextSteps(exampleEvent('system-oom'), context);
    expect(commands(steps)).toEqual([
      'kubectl -n search describe pod opensearch-data-2',
      'kubectl -n search logs opensearch-data-2 -c opensearch --previous',
      'kubectl -n search top pod opensearch-data-2',
      'kubectl describe node ip-10-0-3-41.eu-west-1.compute.internal',
      'kubectl top node ip-10-0-3-41.eu-west-1.compute.internal',
    ]);
    expect(links(steps).map((l) => l.what)).toContain(
      "The node's kernel log around the kill in Logs Insights",
    );
  });

  it('a host process: the node, its history, and the stream the kill came from, 5 min either side', () => {
    const event = exampleEvent('host-process');
    const steps = nextSteps(event, context);
    expect(commands(steps)).toEqual([
      'kubectl describe node ip-10-0-3-41.eu-west-1.compute.internal',
      'kubectl top node ip-10-0-3-41.eu-west-1.compute.internal',
    ]);
    const history = readInsightsLink(linkTo(steps, /^OOM history of this node/));
    expect(history.detail.editorString).toContain(
      'filter cluster = "prod-eu" and node = "ip-10-0-3-41.eu-west-1.compute.internal"',
    );
    const kernel = readInsightsLink(linkTo(steps, /kernel log/));
    expect(kernel.region).toBe('eu-west-1');
    // The event names the group and stream it came from: those win over the configured kernel group.
    expect(kernel.detail.source).toEqual(['/aws/containerinsights/prod-eu/host']);
    expect(kernel.detail.editorString).toBe(
      'fields @timestamp, @logStream, @message\n| filter @logStream = "ip-10-0-3-41.eu-west-1.compute.internal.host.messages"\n| sort @timestamp asc\n| limit 1000',
    );
    expect(kernel.detail).toMatchObject({
      start: '2025-11-20T13:25:07.004Z',
      end: '2025-11-20T13:35:07.004Z',
    });
  });

  it('an unresolved pod: found by its UID, its events, its history by UID, and the node, in the configured kernel group when the event names none', () => {
    const base = exampleEvent('unenriched');
    const event: EnrichedOomEvent = { ...base, source: { file: 'kern.log', lines: [1] } };
    const steps = nextSteps(event, context);
    expect(notesAndCommands(steps)).toEqual([
      'Find the pod by its uid while it may still exist, and its events (the API server keeps them about an hour by default):',
      `kubectl get pods -A -o jsonpath='{range .items[?(@.metadata.uid=="11111111-2222-3333-4444-555555555555")]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'`,
      'kubectl get events -A --field-selector involvedObject.uid=11111111-2222-3333-4444-555555555555',
    ]);
    expect(readInsightsLink(linkTo(steps, /^OOM history of this pod/)).detail.editorString).toContain(
      'filter pod.uid = "11111111-2222-3333-4444-555555555555"',
    );
    const kernel = readInsightsLink(linkTo(steps, /kernel log/));
    expect(kernel.detail.source).toEqual([KERNEL]);
    expect(kernel.detail.editorString).toContain(
      'filter @logStream like "ip-10-0-1-23.eu-west-1.compute.internal"',
    );
  });

  it('a pod the cluster no longer has: says it is gone and what is left of it, and gives its events', () => {
    const event: EnrichedOomEvent = {
      ...exampleEvent('unenriched'),
      enrichment: { status: 'not-found', detail: null },
    };
    expect(notesAndCommands(nextSteps(event, context))).toEqual([
      'The pod is gone, so kubectl cannot show it or its logs. Left: its events for about an hour (the API ' +
        "server's default), which name the pod and so its workload, whose other pods may still run; its logs " +
        "only in the cluster's log store, if it ships them.",
      'kubectl get events -A --field-selector involvedObject.uid=11111111-2222-3333-4444-555555555555',
    ]);
  });

  it('a node out of memory that killed a pod no one could name: the pod by its uid, then the node', () => {
    const event: EnrichedOomEvent = {
      ...exampleEvent('unenriched'),
      constraint: 'system',
      limitScope: 'node',
    };
    expect(commands(nextSteps(event, context))).toEqual([
      `kubectl get pods -A -o jsonpath='{range .items[?(@.metadata.uid=="11111111-2222-3333-4444-555555555555")]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'`,
      'kubectl get events -A --field-selector involvedObject.uid=11111111-2222-3333-4444-555555555555',
      'kubectl describe node ip-10-0-1-23.eu-west-1.compute.internal',
      'kubectl top node ip-10-0-1-23.eu-west-1.compute.internal',
    ]);
  });

  it('a kill no pod explains and no line tied to a pod: the node', () => {
    const event: EnrichedOomEvent = {
      ...exampleEvent('unenriched'),
      pod: null,
      container: null,
      cgroup: { oom: null, task: null },
    };
    expect(notesAndCommands(nextSteps(event, context))).toEqual([
      'kubectl describe node ip-10-0-1-23.eu-west-1.compute.internal',
      'kubectl top node ip-10-0-1-23.eu-west-1.compute.internal',
    ]);
  });

  it('a kill of unknown time: the last day, relative to now', () => {
    const event = { ...exampleEvent('container-limit'), observedAt: null };
    const history = readInsightsLink(linkTo(nextSteps(event, context), /^OOM history/));
    expect(history.detail).toMatchObject({ timeType: 'RELATIVE', start: -90_000, end: 0, unit: 'seconds' });
  });

  it('quotes a name the shell would split', () => {
    const event = { ...hostProcessOverItsLimit(), node: "node with space's" };
    expect(commands(nextSteps(event, context))).toEqual([
      `kubectl describe node 'node with space'\\''s'`,
      `kubectl top node 'node with space'\\''s'`,
    ]);
  });
});

describe('nextSteps without the stack (a dry run): commands only', () => {
  it('has no link without a region, and no console link with a region that is not one', () => {
    const event = exampleEvent('container-limit');
    expect(links(nextSteps(event, { eventsLogGroupName: null }))).toEqual([]);
    expect(
      links(nextSteps(event, { ...context, region: 'eu-west-1.evil.example/x', runbookUrl: null })),
    ).toEqual([]);
  });
});

describe('runbookUrl', () => {
  it('fills what the kill names, URL-encoded', () => {
    const template = 'https://runbooks.example.com/{cluster}/{namespace}/{workload}/{container}';
    expect(runbookUrl(template, { cluster: 'a b', namespace: 'n/s', workload: 'w&x', container: 'c' })).toBe(
      'https://runbooks.example.com/a%20b/n%2Fs/w%26x/c',
    );
  });

  it('leaves out what the kill does not name: the query parameter, the fragment, the path from there on', () => {
    const unresolved = { cluster: 'prod-eu', namespace: null, workload: null, container: null };
    expect(runbookUrl('https://wiki.example.com/oom?ns={namespace}&w={workload}', unresolved)).toBe(
      'https://wiki.example.com/oom',
    );
    expect(
      runbookUrl('https://wiki.example.com/oom?c={cluster}&ns={namespace}&lang=en#{workload}', unresolved),
    ).toBe('https://wiki.example.com/oom?c=prod-eu&lang=en');
    expect(
      runbookUrl('https://runbooks.example.com/{cluster}/{namespace}/{workload}/{container}', {
        ...unresolved,
        namespace: 'prod',
      }),
    ).toBe('https://runbooks.example.com/prod-eu/prod/');
    expect(runbookUrl('https://runbooks.example.com/oom-{namespace}?from=alert', unresolved)).toBe(
      'https://runbooks.example.com/?from=alert',
    );
  });

  it('gives no link when the host needs what the kill does not name', () => {
    expect(
      runbookUrl('https://{namespace}.wiki.example.com/oom', {
        cluster: 'prod-eu',
        namespace: null,
        workload: null,
        container: null,
      }),
    ).toBeNull();
  });

  it('in the next steps of a kill no pod explains, only the cluster', () => {
    expect(linkTo(nextSteps(exampleEvent('unenriched'), context), /^Runbook$/)).toBe(
      'https://wiki.example.com/oom?c=prod-eu',
    );
    expect(linkTo(nextSteps(exampleEvent('host-process'), context), /^Runbook$/)).toBe(
      'https://wiki.example.com/oom?c=prod-eu',
    );
  });

  it('takes an http(s) template with the four placeholders, and names what else it holds', () => {
    expect(runbookTemplateProblems(context.runbookUrl as string)).toEqual([]);
    expect(runbookTemplateProblems('https://{cluster}.runbooks.example.com/oom')).toEqual([]);
    expect(runbookTemplateProblems('https://wiki.example.com/{team}/{pod}/{workload}')).toEqual([
      'names {team}, {pod}: the placeholders are {cluster}, {namespace}, {workload} and {container}',
    ]);
    expect(runbookTemplateProblems('mailto:oncall@example.com')).toEqual([
      'must be an http:// or https:// link without spaces',
    ]);
  });
});

describe('every e-mail has next steps whose links open the right region, log group and query', () => {
  for (const kind of EXAMPLE_KINDS) {
    it(kind, () => {
      const event = exampleEvent(kind);
      const email = alertEmail(event, context);
      const section = email.slice(
        email.indexOf('Next steps\n'),
        email.indexOf('\n\n', email.indexOf('Next steps\n')),
      );
      const urls = section.match(/https:\/\/\S+/g) ?? [];
      const insights = urls.filter((u) => u.includes('#logsV2:logs-insights'));
      expect(insights.length).toBeGreaterThan(0);
      for (const url of insights) {
        const link = readInsightsLink(url);
        expect(link.region).toBe('eu-west-1');
        expect(link.host).toBe('eu-west-1.console.aws.amazon.com');
        const source = link.detail.source as string[];
        const query = link.detail.editorString as string;
        if (source[0] === EVENTS) expect(query).toBe(historyQuery(event).query);
        else expect(query).toMatch(/^fields @timestamp, @logStream, @message\n\| filter @logStream /);
      }
      // The history section prints the query the link opens.
      expect(email).toContain(
        historyQuery(event)
          .query.split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    });
  }
});
