/**
 * Which alerts go by SMS (context `smsFor`), and how the SNS topic is told: every publish carries the message
 * attribute `sms` = `send` or `skip`, and each SMS subscription has the filter policy `{"sms": ["send"]}`.
 * E-mail and chat subscriptions have no filter and get every alert. SMS is billed per message and per country;
 * this caps the bill without a second topic.
 */
import type { EnrichedOomEvent } from '../oom-event.ts';
import { isSystemOom, victimKindOf } from './event-wording.ts';

export const SMS_FOR_VALUES = ['all', 'restarts-and-node'] as const;

/** `all`: every alert and digest. `restarts-and-node`: kills that restarted a container or hit the node itself. */
export type SmsFor = (typeof SMS_FOR_VALUES)[number];

export const DEFAULT_SMS_FOR: SmsFor = 'all';

/** Whether a setting's text (a context key, a stack output) is one of the SMS policies. */
export function isSmsFor(value: string): value is SmsFor {
  return (SMS_FOR_VALUES as readonly string[]).includes(value);
}

/** The message attribute and the value the SMS subscriptions' filter policy lets through. */
export const SMS_FILTER = { attribute: 'sms', send: 'send', skip: 'skip' } as const;

/**
 * Whether this kill's alert goes by SMS. With `restarts-and-node`: a restarted container, a node out of memory
 * (system OOM), or a process of the node itself (kubelet, containerd, an agent); not a child process that died
 * in a running container, nor a kill whose impact is unknown.
 */
export function alertGoesBySms(event: EnrichedOomEvent, smsFor: SmsFor): boolean {
  if (smsFor === 'all') return true;
  return (
    event.impact === 'container-restarted' || isSystemOom(event) || victimKindOf(event) === 'host-process'
  );
}

/** Whether alerts about no one kill go by SMS: digests (a storm already alerted) and unreadable events. */
export function otherAlertGoesBySms(smsFor: SmsFor): boolean {
  return smsFor === 'all';
}
