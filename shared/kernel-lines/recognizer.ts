/**
 * What a recognizer is. Each reads the message text only (envelopes such as `[ 3467.508223]`, syslog or kmsg
 * prefixes are removed by log-record.ts first) and returns the facts it carries, or null when the line is not
 * its format. The table that tries them in order is ../kernel-line.ts.
 */

export interface Recognizer<Line extends { kind: string }> {
  /** The kind of line it returns. Its file's doc comment names the kernels that print the line. */
  name: Line['kind'];
  /**
   * A cheap literal that every line of this format contains, checked before `read`. Where any line may be
   * searched for it, it starts with a character rarer than a space: a search stops wherever its first character
   * is, and a task row is mostly spaces.
   */
  marker: string;
  /**
   * Set when every line of this format starts with one of these: the table tries the recognizer only on a line
   * that does, and looks for no marker when each of them holds it. Unset when a line may start with anything.
   */
  starts?: readonly string[];
  /** Set when the marker always begins within this many characters (after a comm): it is looked for only there. */
  markerWithin?: number;
  read(text: string, truncated: boolean): Line | null;
}
