/**
 * What an alert is: the texts of one SNS publish, one per channel, and what they name besides the event.
 */

/** The texts of one SNS publish with `MessageStructure: "json"`. */
export interface AlertMessage {
  /** E-mail subject: printable ASCII, one line, at most 99 characters. */
  subject: string;
  /** What subscribers of any other protocol receive. */
  default: string;
  email: string;
  /** One GSM 7-bit segment: at most 160 septets. */
  sms: string;
}

export interface AlertContext {
  /** The events log group, named in the Logs Insights query; null when there is none (a dry run). */
  eventsLogGroupName: string | null;
}
