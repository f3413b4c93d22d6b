import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  awsErrorText,
  isAbortedRequest,
  isAwsError,
  isConditionalCheckFailed,
  isThrottling,
} from '../../adapters/aws-errors.ts';

/** What an exception thrown by another bundled copy of a client looks like here: same name, other class. */
function fromAnotherCopy(name: string, message = 'from another copy'): Error {
  return Object.assign(new Error(message), { name });
}

describe('AWS errors by name', () => {
  it('recognises a failed condition from this copy of the client and from another', () => {
    const here = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
    });
    expect(isConditionalCheckFailed(here)).toBe(true);
    expect(isConditionalCheckFailed(fromAnotherCopy('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionalCheckFailed(fromAnotherCopy('ResourceNotFoundException'))).toBe(false);
  });

  it('tells throttling and abandoned requests from other errors', () => {
    expect(isThrottling(fromAnotherCopy('ThrottlingException'))).toBe(true);
    expect(isThrottling(fromAnotherCopy('LimitExceededException'))).toBe(false);
    expect(isAbortedRequest(new DOMException('aborted', 'AbortError'))).toBe(true);
    expect(isAbortedRequest(new DOMException('timed out', 'TimeoutError'))).toBe(true);
    expect(isAbortedRequest(fromAnotherCopy('AccessDeniedException'))).toBe(false);
  });

  it('matches any of several names, and nothing for a value without a name', () => {
    const limit = fromAnotherCopy('LimitExceededException');
    expect(isAwsError(limit, 'ThrottlingException', 'LimitExceededException')).toBe(true);
    expect(isAwsError('ThrottlingException', 'ThrottlingException')).toBe(false);
    expect(isAwsError(undefined, 'ThrottlingException')).toBe(false);
  });

  it('reads as Name: message, and a thrown value without a name as Error', () => {
    expect(awsErrorText(fromAnotherCopy('ThrottlingException', 'Rate exceeded'))).toBe(
      'ThrottlingException: Rate exceeded',
    );
    expect(awsErrorText('socket hang up')).toBe('Error: socket hang up');
  });
});
