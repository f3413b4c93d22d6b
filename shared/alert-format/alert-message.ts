/**
 * What an alert is: the texts of one alert, one per channel, and what they name besides the event.
 */
import type { ChatNotification } from './chat.ts';
import type { SmsFor } from './sms-policy.ts';
import type { ContainerKill } from '../right-sizing.ts';

/** One alert: the texts of one SNS publish with `MessageStructure: "json"`, and the chat topic's message. */
export interface AlertMessage {
  /** E-mail subject: printable ASCII, one line, at most 99 characters. */
  subject: string;
  /** What subscribers of any other protocol receive. */
  default: string;
  email: string;
  /** One GSM 7-bit segment: at most 160 septets. */
  sms: string;
  /** Whether the SMS subscriptions get this alert (context `smsFor`); every other subscription always does. */
  sendSms: boolean;
  /** The AWS Chatbot custom notification for the chat topic. */
  chat: ChatNotification;
}

/** What the stack tells the alerts besides the events log group; each one left out leaves its link out. */
export interface AlertSettings {
  /** The stack's region: the console links open there. */
  region: string | null;
  /** The kernel log group, for a kill whose event does not name the group it came from. */
  kernelLogGroupName: string | null;
  /** The pipeline's CloudWatch dashboard. */
  dashboardName: string | null;
  /** Context `runbookUrl`: `{cluster}`, `{namespace}`, `{workload}` and `{container}` are filled in. */
  runbookUrl: string | null;
  smsFor: SmsFor;
}

export interface AlertContext extends Partial<AlertSettings> {
  /** The events log group, named in the Logs Insights query; null when there is none (a dry run). */
  eventsLogGroupName: string | null;
  /**
   * For the right-sizing hint: the container's limit hits in the 24 h up to this kill, this one included, from the
   * state table (shared/right-sizing.ts); absent or null when not known.
   */
  containerKills?: readonly ContainerKill[] | null;
}
