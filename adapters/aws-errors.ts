/**
 * AWS SDK v3 errors, told apart by the `name` they carry. Never by `instanceof` a service's exception class:
 * that fails when the error comes from another bundled copy of the client.
 */
import { errorMessage, errorNameOf } from '../shared/error-text.ts';

/** Whether the thrown value carries one of these names (`ThrottlingException`, `AbortError` …). */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  const name = errorNameOf(error);
  return name !== null && names.includes(name);
}

/** A conditional write found the item other than its condition required. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return isAwsError(error, 'ConditionalCheckFailedException');
}

/** The service asks the caller to slow down. */
export function isThrottling(error: unknown): boolean {
  return isAwsError(error, 'ThrottlingException');
}

/** The SDK abandoned the request: its abort signal fired (Ctrl-C, or a deadline's timeout). */
export function isAbortedRequest(error: unknown): boolean {
  return isAwsError(error, 'AbortError', 'TimeoutError');
}

/** `Name: message`, for a reason or a log line; a thrown value without a name reads as `Error`. */
export function awsErrorText(error: unknown): string {
  return `${errorNameOf(error) ?? 'Error'}: ${errorMessage(error)}`;
}
