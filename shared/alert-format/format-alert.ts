/**
 * One OOM kill as the texts people receive, one per channel. Pure: the notifier decides when to send, this
 * decides what, and to whom by SMS (context `smsFor`).
 */
import type { EnrichedOomEvent } from '../oom-event.ts';
import type { AlertContext, AlertMessage } from './alert-message.ts';
import { chatAlert } from './chat.ts';
import { alertDefault } from './default.ts';
import { alertEmail } from './email.ts';
import { alertSms } from './sms.ts';
import { alertGoesBySms, DEFAULT_SMS_FOR } from './sms-policy.ts';
import { alertSubject } from './subject.ts';

export function formatAlert(event: EnrichedOomEvent, context: AlertContext): AlertMessage {
  const subject = alertSubject(event);
  return {
    subject,
    default: alertDefault(event, subject),
    email: alertEmail(event, context),
    sms: alertSms(event),
    sendSms: alertGoesBySms(event, context.smsFor ?? DEFAULT_SMS_FOR),
    chat: chatAlert(event, subject, context),
  };
}
