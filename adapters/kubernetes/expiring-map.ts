/**
 * Caches that live as long as the Lambda container: a map whose entries expire, bounded in size, and
 * single-flight loading, so that concurrent lookups of one key (a storm of kills on one node) share a call.
 */
export interface Stored<V> {
  value: V;
  storedAt: number;
}

export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, Stored<V>>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The entry if it is younger than `maxAgeMs` at `now`. */
  get(key: K, now: number, maxAgeMs: number): Stored<V> | undefined {
    const stored = this.#entries.get(key);
    return stored !== undefined && now - stored.storedAt < maxAgeMs ? stored : undefined;
  }

  set(key: K, value: V, storedAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, storedAt });
    // Map iteration order is insertion order: the first keys are the oldest.
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}

export class SingleFlight<K, R> {
  readonly #running = new Map<K, Promise<R>>();

  /** Runs `load` unless a load of `key` is already running, in which case its result is shared. */
  run(key: K, load: () => Promise<R>): Promise<R> {
    const running = this.#running.get(key);
    if (running !== undefined) return running;
    const started = load().finally(() => this.#running.delete(key));
    this.#running.set(key, started);
    return started;
  }
}
