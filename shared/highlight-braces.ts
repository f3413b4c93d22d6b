/**
 * Double braces a doc's source kept around the part of a log line it highlights: AWS's EC2 troubleshooting doc, in
 * its Chinese edition, prints `[115879.769795] {{Out of memory: kill process}} 20273 (httpd) score 1285879` (and
 * `end_request: {{I/O error}}, dev sde, {{sector 52428288}}` elsewhere). The braces are no part of the kernel's
 * text. A template's braces (Go, Helm, Jinja, a C# or Python interpolation) hold an expression instead: `{{pid}}`,
 * `{{ .Comm }}`, `{{date}}`, which names no OOM text, and where it stands the line has no value a recognizer reads.
 */

/** A pair of double braces and what they hold, no brace among it. */
const BRACED = /\{\{([^{}]+)\}\}/g;

/**
 * The text without the double braces around each part of it that `isOomText` calls OOM text (the kernel's words:
 * `Out of memory`, `Killed process`), and the blanks just inside them. Pairs around anything else stay.
 */
export function withoutHighlightBraces(text: string, isOomText: (part: string) => boolean): string {
  if (!text.includes('{{')) return text;
  return text.replace(BRACED, (pair, inside: string) => (isOomText(inside) ? inside.trim() : pair));
}
