import { describe, expect, it } from 'vitest';
import {
  KUBERNETES_EVENT_NOTE_MAX,
  kubernetesEventNote,
  wantsKubernetesEvent,
} from '../../../shared/alert-format/kubernetes-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

describe('the note of the Kubernetes Event on the pod', () => {
  it('says which process died in which container, that the container kept running, and which limit', () => {
    expect(kubernetesEventNote(exampleEvent('child-process'))).toBe(
      'Out of memory: the kernel killed process php-fpm (pid 88213) in container php, which kept running. ' +
        "The container's own memory limit (256Mi) was hit. eks-oom-alerts event " +
        `${exampleEvent('child-process').id}.`,
    );
  });

  it('stays printable ASCII within 1 kB, the API server counting bytes', () => {
    const event = exampleEvent('child-process');
    const long = { ...event, kubernetes: { ...event.kubernetes!, container: `Größe-${'ü'.repeat(2000)}` } };
    const note = kubernetesEventNote(long);
    expect(Buffer.byteLength(note)).toBeLessThanOrEqual(KUBERNETES_EVENT_NOTE_MAX);
    expect(note).toMatch(/^[\x20-\x7e]+$/);
    expect(note.endsWith('...')).toBe(true);
  });

  it('is for child processes killed in a container that kept running, of a named pod', () => {
    expect(wantsKubernetesEvent(exampleEvent('child-process'))).toBe(true);
    expect(wantsKubernetesEvent(exampleEvent('host-process'))).toBe(false);
    expect(wantsKubernetesEvent(exampleEvent('pod-limit'))).toBe(false);
  });
});

describe("the note, for a kill known only by the kernel's choice", () => {
  it('names the chosen process or a child of it', () => {
    const pod = exampleEvent('child-process');
    const event = {
      ...selectionOnlyKill(),
      kubernetes: pod.kubernetes,
      impact: pod.impact,
      limitScope: pod.limitScope,
    };
    expect(kubernetesEventNote(event)).toMatch(
      /^Out of memory: the kernel killed process java \(pid 27281\) or a child of it in container php, which kept running\. /,
    );
  });
});
