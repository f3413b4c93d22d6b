/** SDK v3 errors carry their service exception name; comparing names also works across bundled copies. */
export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
