/** A page's search params as Next.js hands them over, and the one value a page means by a key. */
export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a search param, or undefined when it is absent or empty. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v ? v : undefined;
}

/**
 * A dynamic route segment (`[name]`) as text: Next.js may hand it over still percent-encoded; a malformed
 * encoding stays as it is (the page then says it does not exist rather than crashing).
 */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
