import type { Bound, QueryNode, ValuePattern } from './query';

/**
 * Whether an indexed document matches a parsed query (query.ts). Pure.
 *
 * A document is its searchable fields by dotted name (`thingName`, `attributes.site`, `shadow.reported.temp`,
 * `connectivity.connected`), each with one or more values (thingGroupNames has several; an array in a shadow
 * gives each element). Matching follows AWS's notes: field names are case sensitive, values are not; a term
 * without a field is looked for in every field; numbers compare as numbers (a shadow's `10` matches `10.0`),
 * and a range compares numerically when the bounds and the value are numbers, as text otherwise.
 */

export type FieldValue = string | number | boolean;
export type IndexDocument = ReadonlyMap<string, readonly FieldValue[]>;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const asNumber = (v: FieldValue | string): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMBER.test(v)) return Number(v);
  return undefined;
};

const wildcardCache = new Map<string, RegExp>();
function wildcard(text: string): RegExp {
  let re = wildcardCache.get(text);
  if (!re) {
    const body = text
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'is');
    if (wildcardCache.size > 1000) wildcardCache.clear();
    wildcardCache.set(text, re);
  }
  return re;
}

function valueMatches(pattern: ValuePattern, value: FieldValue): boolean {
  const text = String(value);
  if (pattern.kind === 'wildcard') return wildcard(pattern.text).test(text);
  if (text.toLowerCase() === pattern.text.toLowerCase()) return true;
  const a = asNumber(value);
  const b = asNumber(pattern.text);
  return a !== undefined && b !== undefined && a === b;
}

function compare(value: FieldValue, bound: string): number | undefined {
  const a = asNumber(value);
  const b = asNumber(bound);
  if (a !== undefined && b !== undefined) return a - b;
  if (typeof value === 'number' || asNumber(bound) !== undefined) return undefined; // a number against text
  const x = String(value).toLowerCase();
  const y = bound.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function inRange(value: FieldValue, lower?: Bound, upper?: Bound): boolean {
  if (typeof value === 'boolean') return false;
  if (lower) {
    const c = compare(value, lower.value);
    if (c === undefined || c < 0 || (c === 0 && !lower.inclusive)) return false;
  }
  if (upper) {
    const c = compare(value, upper.value);
    if (c === undefined || c > 0 || (c === 0 && !upper.inclusive)) return false;
  }
  return true;
}

function fieldValues(doc: IndexDocument, field: string): readonly FieldValue[] {
  return doc.get(field) ?? [];
}

export function matches(node: QueryNode, doc: IndexDocument): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.items.every((n) => matches(n, doc));
    case 'or':
      return node.items.some((n) => matches(n, doc));
    case 'not':
      return !matches(node.item, doc);
    case 'exists': {
      if (doc.has(node.field)) return true;
      // An object in a shadow exists when any field below it does.
      const prefix = `${node.field}.`;
      for (const key of doc.keys()) if (key.startsWith(prefix)) return true;
      return false;
    }
    case 'term': {
      if (node.field !== undefined) return fieldValues(doc, node.field).some((v) => valueMatches(node.value, v));
      for (const values of doc.values()) if (values.some((v) => valueMatches(node.value, v))) return true;
      return false;
    }
    case 'range':
      return fieldValues(doc, node.field).some((v) => inRange(v, node.lower, node.upper));
  }
}
