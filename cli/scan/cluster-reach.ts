/**
 * What `scan --kubeconfig` says on stderr about reaching the cluster. A kill waits up to its budget on the API
 * while the lookup retries, with nothing on the terminal: the first failed attempt that will be retried is said
 * once, as it happens. At the end, why the pods of the kills shown as `unknown (unavailable)` were not named,
 * once per reason, which the table cannot hold.
 */
import type { ApiFailure } from '../../adapters/kubernetes/api-retry.ts';
import type { Enrichment } from '../../adapters/kubernetes/pod-resolver.ts';
import { displayText } from '../../shared/format-text.ts';
import type { TextOutput } from '../command.ts';

/** `scan: the Kubernetes API at https://… is not answering (the API server is unreachable (ECONNREFUSED)); still trying, up to 20 s a kill` */
export function retryNotice(server: string, failure: ApiFailure, budgetMs: number): string {
  const state = failure.status === null ? 'is not answering' : 'is failing';
  return `scan: the Kubernetes API at ${server} ${state} (${displayText(failure.reason)}); still trying, up to ${budgetMs / 1000} s a kill\n`;
}

/** `scan: could not look up the pods of 2 kills at the Kubernetes API at https://… (shown as unknown): <why>` */
export function unavailableNotice(server: string, reason: string, kills: number): string {
  const counted = kills === 1 ? '1 kill' : `${kills} kills`;
  return `scan: could not look up the pods of ${counted} at the Kubernetes API at ${server} (shown as unknown): ${displayText(reason)}\n`;
}

export class ClusterReach {
  readonly #server: string;
  readonly #out: TextOutput;
  readonly #budgetMs: number;
  #retrySaid = false;
  /** Each reason a pod could not be looked up, with the kills it left unnamed, in the order first seen. */
  readonly #unavailable = new Map<string, number>();

  constructor(server: string, out: TextOutput, budgetMs: number) {
    this.#server = server;
    this.#out = out;
    this.#budgetMs = budgetMs;
  }

  /** From the lookup's retries, as each attempt fails: said at once (the caller cannot wait on the stream). */
  attemptFailed(failure: ApiFailure): void {
    if (this.#retrySaid || !failure.retryable) return;
    this.#retrySaid = true;
    this.#out.write(retryNotice(this.#server, failure, this.#budgetMs));
  }

  /** Each kill's enrichment, as it comes. */
  enriched(enrichment: Enrichment): void {
    const { status, detail } = enrichment.enrichment;
    if (status !== 'unavailable') return;
    const reason = detail ?? 'no reason given';
    this.#unavailable.set(reason, (this.#unavailable.get(reason) ?? 0) + 1);
  }

  /** Why pods were not named, one line per reason; empty when every lookup reached the API. */
  summary(): string {
    return [...this.#unavailable]
      .map(([reason, kills]) => unavailableNotice(this.#server, reason, kills))
      .join('');
  }
}
