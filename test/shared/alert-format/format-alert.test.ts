import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';

const context = { eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' };

function rendered(event: EnrichedOomEvent): string {
  const alert = formatAlert(event, context);
  return `Subject: ${alert.subject}\n\nSMS: ${alert.sms}\n\n--- default\n${alert.default}\n\n--- email\n${alert.email}`;
}

describe('formatAlert snapshots (reviewed as text files in test/fixtures/enriched/alerts/)', () => {
  for (const kind of EXAMPLE_KINDS) {
    it(`${kind}`, async () => {
      await expect(rendered(exampleEvent(kind))).toMatchFileSnapshot(
        `../../fixtures/enriched/alerts/${kind}.txt`,
      );
    });
  }
});
