/**
 * The strings of a JSON record that may be OOM text, wherever they are in it. Log tools carry a line under keys
 * of their own (Elasticsearch's `_source.message`, GCP's `jsonPayload.MESSAGE` and `textPayload`, CloudWatch Logs
 * Insights' `@message`, Splunk's `_raw`, Loki's `line` and `values`, GELF's `short_message`, OpenTelemetry's
 * `body`), and a program's own document may quote a kernel line anywhere (`evidence.timeline[].payload.message`):
 * log-record.ts reads such a record, one with no message key it knows, by these.
 */
import { mayBeOomText } from './kernel-line.ts';

/** A string that holds OOM text, and where: the object or array that holds it, and its key there. */
export interface HeldString {
  holder: Record<string, unknown> | readonly unknown[];
  /** The key in the object; null in an array. */
  key: string | null;
  text: string;
}

/** An object or array being walked: its values, their keys (null for an array), and the next one's index. */
interface Frame {
  holder: HeldString['holder'];
  keys: string[] | null;
  values: readonly unknown[];
  next: number;
}

function frameOf(value: object): Frame {
  if (Array.isArray(value)) return { holder: value, keys: null, values: value, next: 0 };
  const holder = value as Record<string, unknown>;
  return { holder, keys: Object.keys(holder), values: Object.values(holder), next: 0 };
}

/**
 * Each string in the value that holds OOM text (mayBeOomText), in the order of the document (an object's keys
 * in the order JSON.parse keeps them: integer-like keys first). Walked with a stack of its own, so that a
 * record nested deeper than the call stack goes is read too.
 */
export function oomStringsOf(value: object): HeldString[] {
  const found: HeldString[] = [];
  const stack: Frame[] = [frameOf(value)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next === frame.values.length) {
      stack.pop();
      continue;
    }
    const i = frame.next++;
    const child = frame.values[i];
    if (typeof child === 'string') {
      if (mayBeOomText(child))
        found.push({
          holder: frame.holder,
          key: frame.keys === null ? null : (frame.keys[i] as string),
          text: child,
        });
    } else if (typeof child === 'object' && child !== null) {
      stack.push(frameOf(child));
    }
  }
  return found;
}
