/**
 * The alert for an event that could not be read: every channel says so, and the e-mail shows what arrived.
 */
import { displayText, smsText, subjectText } from '../format-text.ts';
import type { AlertMessage } from './alert-message.ts';

/**
 * An event that is not an EnrichedOomEvent still means a kill happened somewhere: say so, and show
 * what arrived, rather than drop it.
 */
export function formatUnreadableAlert(raw: unknown, problem: string): AlertMessage {
  const body = truncateJson(raw, 64 * 1024);
  return {
    subject: subjectText('OOM event could not be read'),
    // The body goes in the e-mail only: twice, JSON-escaped, it could pass SNS's 256 KB.
    default: `An OOM event arrived that could not be read: ${displayText(problem)}. The e-mail shows what arrived.`,
    email: `An OOM event arrived that could not be read.\n\nProblem: ${displayText(problem)}\n\nWhat arrived:\n${body}\n`,
    sms: smsText(`OOM event could not be read: ${problem}`),
  };
}

function truncateJson(raw: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(raw, null, 2) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length <= max ? text : `${text.slice(0, max)}\n... (${text.length - max} more characters)`;
}
