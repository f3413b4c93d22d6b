/**
 * Reading a thrown value for a log line or a reason: anything may be thrown, and SDK v3 service exceptions are
 * told apart by their `name` (comparing names also works across bundled copies of a client).
 */

/** The message of a thrown value: an Error's message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `name` a thrown value carries (`ThrottlingException`, `AbortError` …), or null when it has none. */
export function errorNameOf(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : null;
}

/** `Name: message` of an Error; anything else as text. */
export function namedErrorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
