/**
 * The alert for an event that could not be read: every channel says so, and the e-mail shows what arrived.
 */
import { displayText, smsText, subjectText } from '../format-text.ts';
import type { AlertMessage } from './alert-message.ts';
import { chatUnreadable } from './chat.ts';
import { DEFAULT_SMS_FOR, otherAlertGoesBySms, type SmsFor } from './sms-policy.ts';

/**
 * An event that is not an EnrichedOomEvent still means a kill happened somewhere: say so, and show
 * what arrived, rather than drop it.
 */
export function formatUnreadableAlert(
  raw: unknown,
  problem: string,
  smsFor: SmsFor = DEFAULT_SMS_FOR,
): AlertMessage {
  const body = truncateJson(raw, 64 * 1024);
  const subject = subjectText('OOM event could not be read');
  // The body goes in the e-mail only: twice, JSON-escaped, it could pass SNS's 256 KB.
  const text = `An OOM event arrived that could not be read: ${displayText(problem)}. The e-mail shows what arrived.`;
  return {
    subject,
    default: text,
    email: `An OOM event arrived that could not be read.\n\nProblem: ${displayText(problem)}\n\nWhat arrived:\n${body}\n`,
    sms: smsText(`OOM event could not be read: ${problem}`),
    sendSms: otherAlertGoesBySms(smsFor),
    chat: chatUnreadable(subject, text),
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
