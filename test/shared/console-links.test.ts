import { describe, expect, it } from 'vitest';
import { dashboardUrl, isRegionName, logsInsightsUrl } from '../../shared/console-links.ts';
import { parseJsurl, readInsightsLink } from '../fixtures/console-link.ts';

const QUERY = 'filter kubernetes.namespace = "prod" and kubernetes.pod = "api-7d9f"\n| sort @timestamp desc';

describe('the link reader (test/fixtures/console-link.ts) reads what the console writes', () => {
  it('the newer form: JSURL bare in the fragment (a console-generated link of 2025)', () => {
    const link = readInsightsLink(
      "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#logsV2:logs-insights$3FqueryDetail$3D~(end~'2025-05-30T05*3a00*3a00.000Z~start~'2025-05-30T04*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'LOCAL~editorString~'fields*20*40timestamp*2c*20*40message*0a*7c*20sort*20*40timestamp*20desc~source~(~'arn*3aaws*3alogs*3aus-west-2*3a632745187633*3alog-group*3aprod)~lang~'CWLI)",
    );
    expect(link.detail).toEqual({
      end: '2025-05-30T05:00:00.000Z',
      start: '2025-05-30T04:00:00.000Z',
      timeType: 'ABSOLUTE',
      tz: 'LOCAL',
      editorString: 'fields @timestamp, @message\n| sort @timestamp desc',
      source: ['arn:aws:logs:us-west-2:632745187633:log-group:prod'],
      lang: 'CWLI',
    });
  });

  it('the older form: JSURL percent-encoded once more, `%` written as `$`', () => {
    const link = readInsightsLink(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D$257E$2528end$257E0$257Estart$257E-3600$257EtimeType$257E$2527RELATIVE$257Eunit$257E$2527seconds$257EeditorString$257E$2527fields*20*40timestamp$257EisLiveTail$257Efalse$257Esource$257E$2528$257E$2527*2faws*2flambda*2ffn$2529$2529',
    );
    expect(link.detail).toEqual({
      end: 0,
      start: -3600,
      timeType: 'RELATIVE',
      unit: 'seconds',
      editorString: 'fields @timestamp',
      isLiveTail: false,
      source: ['/aws/lambda/fn'],
    });
  });

  it("JSURL's own forms: `!` for `$`, `**xxxx`, empty array", () => {
    expect(parseJsurl("~(a~'x!y~b~'**00fc~c~(~))")).toEqual({ a: 'x$y', b: 'ü', c: [] });
  });
});

describe('logsInsightsUrl', () => {
  const url = logsInsightsUrl({
    region: 'eu-west-1',
    logGroupNames: ['/eks-oom-alerts/prod_eu/events'],
    query: QUERY,
    range: {
      kind: 'absolute',
      start: new Date('2025-06-01T11:45:00Z'),
      end: new Date('2025-06-01T12:15:00Z'),
    },
  });

  it("opens Logs Insights in the stack's region on the log group, with the query and the time range", () => {
    const link = readInsightsLink(url);
    expect(link.host).toBe('eu-west-1.console.aws.amazon.com');
    expect(link.region).toBe('eu-west-1');
    expect(link.detail).toEqual({
      end: '2025-06-01T12:15:00.000Z',
      start: '2025-06-01T11:45:00.000Z',
      timeType: 'ABSOLUTE',
      tz: 'UTC',
      editorString: QUERY,
      source: ['/eks-oom-alerts/prod_eu/events'],
    });
  });

  it('holds nothing past the `#` that an e-mail client or chat markdown could cut or emphasise', () => {
    expect(url.slice(url.indexOf('#'))).toMatch(/^#logsV2:logs-insights[A-Za-z0-9$.-]+$/);
    expect(url).toContain('#logsV2:logs-insights$3FqueryDetail$3D$257E$2528end$257E$2527');
  });

  it('a relative range for a kill of unknown time, and text outside ASCII as UTF-16 code units', () => {
    const link = readInsightsLink(
      logsInsightsUrl({
        region: 'ap-southeast-5',
        logGroupNames: ['a', 'b'],
        query: 'filter name = "Größe ~) \'*"',
        range: { kind: 'relative', lastSeconds: 86_400 },
      }),
    );
    expect(link.detail).toEqual({
      end: 0,
      start: -86_400,
      timeType: 'RELATIVE',
      unit: 'seconds',
      editorString: 'filter name = "Größe ~) \'*"',
      source: ['a', 'b'],
    });
  });

  it('China and GovCloud regions open their own console hosts', () => {
    const host = (region: string) =>
      new URL(
        logsInsightsUrl({
          region,
          logGroupNames: ['g'],
          query: 'q',
          range: { kind: 'relative', lastSeconds: 60 },
        }),
      ).host;
    expect(host('cn-north-1')).toBe('console.amazonaws.cn');
    expect(host('us-gov-west-1')).toBe('console.amazonaws-us-gov.com');
  });
});

describe('dashboardUrl', () => {
  it('opens the dashboard by name in the region', () => {
    expect(dashboardUrl('eu-west-1', 'eks-oom-alerts-prod-eu')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/eks-oom-alerts-prod-eu',
    );
  });
});

describe('isRegionName', () => {
  it('knows region names from anything else', () => {
    for (const region of ['eu-west-1', 'us-gov-east-1', 'cn-northwest-1', 'ap-southeast-5', 'il-central-1']) {
      expect(isRegionName(region)).toBe(true);
    }
    for (const text of ['', 'eu-west', 'EU-WEST-1', 'eu-west-1.evil.com/x', 'eu west 1']) {
      expect(isRegionName(text)).toBe(false);
    }
  });
});
