/**
 * What a recognizer is. Each reads the message text only (envelopes such as `[ 3467.508223]`, syslog or kmsg
 * prefixes are removed by log-record.ts first) and returns the facts it carries, or null when the line is not
 * its format. The table that tries them in order is ../kernel-line.ts.
 */

export interface Recognizer<Line extends { kind: string }> {
  /** The kind of line it returns. Its file's doc comment names the kernels that print the line. */
  name: Line['kind'];
  /** A cheap literal that every line of this format contains, checked before `read`. */
  marker: string;
  read(text: string, truncated: boolean): Line | null;
}
