/**
 * The app's own shapes for AWS IoT resources. Pages and components use these,
 * never the SDK's output types, so an SDK upgrade or a field AWS adds changes
 * one reshaping function instead of every page.
 */

export interface Thing {
  name: string;
  arn: string | undefined;
  /** Absent when the thing has no thing type. */
  typeName: string | undefined;
  /** Searchable attributes: AWS allows 3 without a thing type, 50 with one. */
  attributes: Record<string, string>;
  /** Registry version; AWS adds 1 on every UpdateThing. */
  version: number;
}

/** One page of a list, with the opaque token for the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}
