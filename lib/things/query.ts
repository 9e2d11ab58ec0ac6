import { firstParam, type SearchParams } from '@/lib/forms/search-params';
import { awsNameProblem } from '@/lib/validation/messages';

/**
 * The things list's filters. They live in the address (a GET form), so they are read back here with AWS's
 * name rules: a filter no thing could match is refused beside its field instead of being sent. Pure.
 */
export interface ThingsQuery {
  prefix?: string;
  typeName?: string;
  groupName?: string;
  attributeName?: string;
  attributeValue?: string;
  /** The raw `name=value` text, echoed back into the field. */
  attribute?: string;
  /** 1-based page of a search served from the index. */
  page: number;
  nextToken?: string;
  refresh: boolean;
}

/** A search param's first value, trimmed; undefined when absent or blank. */
const first = (v: string | string[] | undefined): string | undefined => firstParam(v)?.trim() || undefined;

export function parseThingsQuery(params: SearchParams): { query: ThingsQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const query: ThingsQuery = { page: 1, refresh: first(params.refresh) === '1' };

  const prefix = first(params.q);
  if (prefix !== undefined) {
    const problem = awsNameProblem('thingName', prefix);
    if (problem) errors.q = `No thing starts with that. ${problem}`;
    query.prefix = prefix;
  }
  const typeName = first(params.type);
  if (typeName !== undefined) {
    const problem = awsNameProblem('thingTypeName', typeName);
    if (problem) errors.type = problem;
    query.typeName = typeName;
  }
  const groupName = first(params.group);
  if (groupName !== undefined) {
    const problem = awsNameProblem('thingGroupName', groupName);
    if (problem) errors.group = problem;
    query.groupName = groupName;
  }
  const attribute = first(params.attr);
  if (attribute !== undefined) {
    query.attribute = attribute;
    const eq = attribute.indexOf('=');
    if (eq <= 0) {
      errors.attr = 'Write the attribute as name=value, for example site=lab.';
    } else {
      const name = attribute.slice(0, eq).trim();
      const value = attribute.slice(eq + 1).trim();
      const nameProblem = awsNameProblem('attributeName', name);
      const valueProblem = awsNameProblem('attributeValue', value, { empty: 'Give a value after "=".' });
      if (nameProblem) errors.attr = nameProblem;
      else if (valueProblem) errors.attr = valueProblem;
      else {
        query.attributeName = name;
        query.attributeValue = value;
      }
    }
  }
  const page = Number(first(params.page) ?? '1');
  query.page = Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1;
  const token = first(params.nextToken);
  if (token && token.length <= 4096) query.nextToken = token;
  return { query, errors };
}

/** Whether the list is narrowed at all (an empty result then means "no match", not "no things yet"). */
export const hasFilters = (q: ThingsQuery) => Boolean(q.prefix || q.typeName || q.groupName || q.attributeName);

/** The address of the list with these filters (empty ones left out), e.g. for pagination links. */
export function thingsHref(query: Partial<ThingsQuery>, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (query.prefix) params.set('q', query.prefix);
  if (query.typeName) params.set('type', query.typeName);
  if (query.groupName) params.set('group', query.groupName);
  if (query.attribute) params.set('attr', query.attribute);
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `/things?${s}` : '/things';
}
