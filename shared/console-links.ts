/**
 * Links into the AWS console: a CloudWatch Logs Insights query over log groups and a time range, and a
 * CloudWatch dashboard. Pure: the caller gives the region and names.
 *
 * AWS does not document the Logs Insights link. Its fragment is what the console itself writes: the query
 * detail as a JSURL object (github.com/Sage/jsurl: `~(key~value)`, strings `~'…` with `*xx` escapes), that text
 * percent-encoded twice, and `%` written as `$` (`$257E$2528end…`). Every character outside `[A-Za-z0-9.-]` is
 * escaped at each level, so the link holds only `[A-Za-z0-9$.-]` past the `#`: no `*`, `_`, `(`, `)` or `'` for
 * an e-mail client or a chat's markdown to cut the link at or read as emphasis.
 */

/** Absolute (the kill's own time) or relative to now (a kill whose time is unknown). */
export type InsightsTimeRange =
  { kind: 'absolute'; start: Date; end: Date } | { kind: 'relative'; lastSeconds: number };

export interface InsightsLink {
  region: string;
  logGroupNames: readonly string[];
  query: string;
  range: InsightsTimeRange;
}

type JsurlValue = string | number | boolean | readonly JsurlValue[] | { readonly [key: string]: JsurlValue };

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export function isRegionName(text: string): boolean {
  return REGION.test(text);
}

/** The console's home for a region, in the region's partition (China and GovCloud have their own hosts). */
function consoleHome(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

function cloudWatchHome(region: string): string {
  if (!isRegionName(region)) throw new Error(`not an AWS region name: ${JSON.stringify(region)}`);
  return `${consoleHome(region)}/cloudwatch/home?region=${region}`;
}

/** `%xx` of each UTF-8 byte of every character outside `[A-Za-z0-9.-]`. */
function percentEncode(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/**
 * A JSURL string: `'` and the text with each UTF-16 code unit outside `[A-Za-z0-9.-]` as `*xx` (below 0x100) or
 * `**xxxx`. JSURL itself leaves `_`, `'` and `(` bare; escaping them too is still valid JSURL.
 */
function jsurlString(text: string): string {
  let out = "'";
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    const code = text.charCodeAt(i);
    if (/[A-Za-z0-9.-]/.test(c)) out += c;
    else
      out +=
        code < 0x100 ? `*${code.toString(16).padStart(2, '0')}` : `**${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function jsurl(value: JsurlValue): string {
  if (typeof value === 'string') return `~${jsurlString(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `~${String(value)}`;
  if (Array.isArray(value)) return `~(${value.map((item: JsurlValue) => jsurl(item)).join('')})`;
  const entries = Object.entries(value as { readonly [key: string]: JsurlValue });
  return `~(${entries.map(([key, item]) => `${key}${jsurl(item)}`).join('~')})`;
}

function rangeDetail(range: InsightsTimeRange): Record<string, JsurlValue> {
  if (range.kind === 'relative') {
    return { end: 0, start: -range.lastSeconds, timeType: 'RELATIVE', unit: 'seconds' };
  }
  return { end: range.end.toISOString(), start: range.start.toISOString(), timeType: 'ABSOLUTE', tz: 'UTC' };
}

/** Opens Logs Insights with the log groups chosen, the query in the editor and the time range set. */
export function logsInsightsUrl(link: InsightsLink): string {
  const detail = jsurl({
    ...rangeDetail(link.range),
    editorString: link.query,
    source: link.logGroupNames,
  });
  const fragment = percentEncode(`?queryDetail=${percentEncode(detail)}`).replaceAll('%', '$');
  return `${cloudWatchHome(link.region)}#logsV2:logs-insights${fragment}`;
}

/** A CloudWatch dashboard by name (names hold only letters, digits, `-` and `_`). */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `${cloudWatchHome(region)}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}
