/**
 * The state table's layout, which the stack that creates it (infra/) and the stores that use it
 * (adapters/state/, functions/parse/) must agree on: one partition key, a TTL attribute, and one key prefix
 * per kind of item so that the stores never meet.
 */
export const STATE_TABLE = {
  /** String partition key; there is no sort key. */
  partitionKey: 'pk',
  /** Epoch seconds; DynamoDB deletes the item some time after. */
  ttlAttribute: 'expiresAt',
} as const;

export const STATE_KEY_PREFIX = {
  /** parse: the report assembler's state of one log stream. */
  assemblerState: 'parse#',
  /** enrich: the claim on one event. */
  eventClaim: 'idem#',
  /** enrich: the claim on one kill, which the copies of its kernel line share. */
  killClaim: 'kill#',
  /** notify: storm windows, their due index and the sweep cursor. */
  storm: 'storm#',
  /** notify: each container's recent limit hits, for the right-sizing hint. */
  containerKills: 'sizing#',
} as const;
