/**
 * What subscribers of any other protocol receive: the subject, then which limit, what it did, who died with it,
 * and the event id.
 */
import { displayText } from '../format-text.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import {
  coVictimsSentence,
  enrichmentNote,
  impactParagraph,
  limitSentence,
  victimCaveat,
} from './event-wording.ts';

export function alertDefault(event: EnrichedOomEvent, subject: string): string {
  const note = enrichmentNote(event);
  const group = coVictimsSentence(event);
  const caveat = victimCaveat(event);
  return [
    subject,
    ...(caveat === null ? [] : [caveat]),
    limitSentence(event),
    impactParagraph(event),
    ...(group === null ? [] : [`${group}.`]),
    ...(note === null ? [] : [note]),
    `Event id: ${displayText(event.id)}`,
  ].join('\n');
}
