/**
 * Process names are chosen by whoever runs the process (15 bytes of them): outside code spans, nothing of one
 * may read as client-markdown (emphasis, strike-through, a link), whatever kind of kill names it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatNotification } from '../../../shared/alert-format/chat.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';
import { selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';
import { HOSTILE_NAMES } from '../../fixtures/hostile-names.ts';

const context = { eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' };

/** Characters that start or end emphasis, strike-through or a link in client-markdown. */
const MARKDOWN = /[*_~[\]]/;

const MARKDOWN_NAMES = ['[a](http://b.c)', '*bold*', '_it_', '~strike~', '[x][1]', 'a_b*c~d[e]f'];

const events = (): EnrichedOomEvent[] => [...EXAMPLE_KINDS.map(exampleEvent), selectionOnlyKill()];

function named(event: EnrichedOomEvent, name: string): EnrichedOomEvent {
  return { ...event, victim: { ...event.victim, name } };
}

/** Title and description with their code spans cut out: what the chat client reads as markdown. */
function markdownText(chat: ChatNotification): string {
  return `${chat.content.title}\n${chat.content.description}`.replace(/`[^`]*`/g, '');
}

describe('a process name in a chat message', () => {
  it.each([...MARKDOWN_NAMES, ...HOSTILE_NAMES.map((h) => h.comm)])(
    '%s: no markdown outside code spans',
    (name) => {
      for (const event of events()) {
        const chat = formatAlert(named(event, name), context).chat;
        expect(markdownText(chat)).not.toMatch(MARKDOWN);
      }
    },
  );

  it('keeps a name with markdown characters as it is inside a code span', () => {
    const chat = formatAlert(named(selectionOnlyKill(), 'a_b*c~d[e]f'), context).chat;
    expect(chat.content.description).toContain('Process: `a_b*c~d[e]f` (pid 27281) or a child of it');
  });

  it('cannot become a link, for any 15 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 15 }), (name) => {
        for (const event of events()) {
          expect(markdownText(formatAlert(named(event, name), context).chat)).not.toMatch(MARKDOWN);
        }
      }),
    );
  });
});
