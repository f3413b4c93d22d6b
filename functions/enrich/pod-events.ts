/**
 * Context `kubernetesEvents`: after a batch is published, a Kubernetes Event on the pod of each child process
 * killed in a container that kept running. The alert has gone out by then; an Event the API refuses is
 * logged, not retried, so that it never holds back or repeats an alert.
 */
import type { PodEventRecorder } from '../../adapters/kubernetes/pod-events.ts';
import { wantsKubernetesEvent } from '../../shared/alert-format/kubernetes-event.ts';
import { errorMessage } from '../../shared/error-text.ts';
import type { EnrichLog } from './enrich-telemetry.ts';
import type { RecordResult } from './sqs-batch.ts';

/** At most this long for all of a batch's Events, within what the invocation has left. */
const POD_EVENTS_BUDGET_MS = 5_000;

export async function recordPodEvents(
  results: ReadonlyMap<string, RecordResult>,
  recorder: PodEventRecorder,
  logger: EnrichLog,
  budgetMs: number,
): Promise<void> {
  const events = [...results.values()].flatMap((result) =>
    result.status === 'published' && wantsKubernetesEvent(result.event) ? [result.event] : [],
  );
  if (events.length === 0) return;
  const signal = AbortSignal.timeout(Math.max(1, Math.min(POD_EVENTS_BUDGET_MS, budgetMs)));
  await Promise.all(
    events.map(async (event) => {
      const where = { eventId: event.id, namespace: event.kubernetes?.namespace, pod: event.kubernetes?.pod };
      try {
        const result = await recorder.record(event, signal);
        logger.info('Kubernetes Event on the pod', { ...where, result });
      } catch (error) {
        logger.warn('Kubernetes Event on the pod not created', { ...where, reason: errorMessage(error) });
      }
    }),
  );
}
