/** A JSON object in a line of text, as collectors write their records. */

/** The text as a JSON object (not an array or a scalar), or null: it starts with `{` and ends with `}`. */
export function jsonObjectOf(text: string): Record<string, unknown> | null {
  if (text.charCodeAt(0) !== 0x7b || !text.trimEnd().endsWith('}')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
