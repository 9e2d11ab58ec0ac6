import { compileGlob, globMatcher } from './glob';
import { inRange, parseCidr } from './ip';
import { type AuthContext, type ContextGetter, contextKeyGetter, parseTemplate, type TemplatePart } from './variables';

/** Policy conditions (IAM's operators, as AWS IoT applies them), compiled once per statement. Pure. */

type Kind = 'string' | 'stringIgnoreCase' | 'like' | 'numeric' | 'date' | 'bool' | 'ip';
type Compare = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** The operators supported: their kind of comparison, whether negated (a NOT operator), and the comparison. */
const OPERATORS: Record<string, { kind: Kind; negated: boolean; compare: Compare }> = {
  StringEquals: { kind: 'string', negated: false, compare: 'eq' },
  StringNotEquals: { kind: 'string', negated: true, compare: 'eq' },
  StringEqualsIgnoreCase: { kind: 'stringIgnoreCase', negated: false, compare: 'eq' },
  StringNotEqualsIgnoreCase: { kind: 'stringIgnoreCase', negated: true, compare: 'eq' },
  StringLike: { kind: 'like', negated: false, compare: 'eq' },
  StringNotLike: { kind: 'like', negated: true, compare: 'eq' },
  // IAM's ArnEquals and ArnLike both take wildcards; no AWS IoT context key is an ARN, so they rarely matter.
  ArnEquals: { kind: 'like', negated: false, compare: 'eq' },
  ArnLike: { kind: 'like', negated: false, compare: 'eq' },
  ArnNotEquals: { kind: 'like', negated: true, compare: 'eq' },
  ArnNotLike: { kind: 'like', negated: true, compare: 'eq' },
  NumericEquals: { kind: 'numeric', negated: false, compare: 'eq' },
  NumericNotEquals: { kind: 'numeric', negated: true, compare: 'eq' },
  NumericLessThan: { kind: 'numeric', negated: false, compare: 'lt' },
  NumericLessThanEquals: { kind: 'numeric', negated: false, compare: 'le' },
  NumericGreaterThan: { kind: 'numeric', negated: false, compare: 'gt' },
  NumericGreaterThanEquals: { kind: 'numeric', negated: false, compare: 'ge' },
  DateEquals: { kind: 'date', negated: false, compare: 'eq' },
  DateNotEquals: { kind: 'date', negated: true, compare: 'eq' },
  DateLessThan: { kind: 'date', negated: false, compare: 'lt' },
  DateLessThanEquals: { kind: 'date', negated: false, compare: 'le' },
  DateGreaterThan: { kind: 'date', negated: false, compare: 'gt' },
  DateGreaterThanEquals: { kind: 'date', negated: false, compare: 'ge' },
  Bool: { kind: 'bool', negated: false, compare: 'eq' },
  IpAddress: { kind: 'ip', negated: false, compare: 'eq' },
  NotIpAddress: { kind: 'ip', negated: true, compare: 'eq' },
};

/** Does one request value satisfy one policy value (before negation)? */
type ValueTest = (contextValue: string) => boolean;

function compileValueTest(
  kind: Kind,
  compare: Compare,
  parts: TemplatePart[],
  ctx: AuthContext,
): ValueTest | undefined {
  if (kind === 'like') {
    const glob = compileGlob(parts);
    const tokens = Array.isArray(glob) ? glob : glob(ctx);
    return tokens ? globMatcher(tokens) : undefined;
  }
  const value = resolveString(parts, ctx);
  if (value === undefined) return undefined;
  switch (kind) {
    case 'string':
      return (v) => v === value;
    case 'stringIgnoreCase': {
      const lower = value.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'bool': {
      const lower = value.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'numeric':
    case 'date': {
      const parse = kind === 'numeric' ? parseNumber : parseDate;
      const expected = parse(value);
      if (Number.isNaN(expected)) return undefined;
      return (v) => {
        const actual = parse(v);
        if (Number.isNaN(actual)) return false;
        switch (compare) {
          case 'eq':
            return actual === expected;
          case 'lt':
            return actual < expected;
          case 'le':
            return actual <= expected;
          case 'gt':
            return actual > expected;
          case 'ge':
            return actual >= expected;
        }
      };
    }
    case 'ip': {
      const range = parseCidr(value);
      if (!range) return undefined;
      return (v) => inRange(range, v);
    }
  }
}

const parseNumber = (s: string) => (s.trim() === '' ? NaN : Number(s));
/** IAM dates: ISO 8601, or epoch seconds. */
const parseDate = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) * 1000 : Date.parse(s));

/**
 * One condition (operator + key + values) as a test, or why the statement can never apply. An operator or a key this
 * emulator does not know makes the statement never apply (neither grant nor deny), rather than guess: the safe
 * side for an Allow; for a Deny it is what IAM does with a key absent from the request.
 *
 * IAM's rules: values of one key are ORed (for a negated operator: none may match); keys and operators are ANDed;
 * a key absent from the request fails the condition, except for negated operators (true), `...IfExists` (true) and
 * Null. `ForAnyValue:` needs some request value to satisfy the test, `ForAllValues:` every one (true when absent).
 * A policy value with a variable that cannot be resolved fails the condition.
 */
export function compileCondition(
  rawOperator: string,
  key: string,
  rawValue: unknown,
  substitute: boolean,
): ((ctx: AuthContext) => boolean) | string {
  const items = Array.isArray(rawValue) ? rawValue : [rawValue];
  if (items.length === 0 || items.some((x) => !['string', 'number', 'boolean'].includes(typeof x))) {
    return `Condition ${rawOperator} ${key} has a value that is not a string, number or boolean; it is ignored.`;
  }
  const values = items.map(String);

  const get: ContextGetter | undefined = contextKeyGetter(key);
  if (!get) return `the condition key '${key}' is not one this emulator knows; the statement never applies.`;

  const qualifier = /^(ForAnyValue|ForAllValues):/.exec(rawOperator)?.[1];
  let operator = qualifier ? rawOperator.slice(qualifier.length + 1) : rawOperator;
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);

  if (operator === 'Null') {
    // Null: "true" means the key must be absent, "false" that it must be present.
    const wantAbsent = values.map((v) => v.toLowerCase() === 'true');
    return (ctx) => {
      const absent = (get(ctx)?.length ?? 0) === 0;
      return wantAbsent.some((w) => w === absent);
    };
  }

  const spec = Object.hasOwn(OPERATORS, operator) ? OPERATORS[operator] : undefined;
  if (!spec) return `the condition operator '${rawOperator}' is not supported; the statement never applies.`;
  const { kind, compare, negated } = spec;

  const templates = values.map((v) => parseTemplate(v, substitute));
  const dynamic = templates.some((parts) => parts.some((p) => p.kind === 'var'));
  const build = (ctx: AuthContext): ValueTest[] | undefined => {
    const tests: ValueTest[] = [];
    for (const parts of templates) {
      const test = compileValueTest(kind, compare, parts, ctx);
      if (!test) return undefined;
      tests.push(test);
    }
    return tests;
  };
  // Values without variables are prepared once; `{} as AuthContext` is never read when nothing is resolved.
  const fixed = dynamic ? undefined : build({} as AuthContext);
  if (!dynamic && !fixed) return `Condition ${rawOperator} ${key} has a value that cannot be read; it is ignored.`;

  return (ctx) => {
    const actual = get(ctx);
    const absent = !actual || actual.length === 0;
    if (absent) {
      if (qualifier === 'ForAllValues') return true;
      if (qualifier === 'ForAnyValue') return false;
      return ifExists || negated;
    }
    const tests = fixed ?? build(ctx);
    if (!tests) return false;
    // One request value satisfies the operator: some policy value matches (none, for a negated operator).
    const satisfies = (v: string) => tests.some((t) => t(v)) !== negated;
    if (qualifier === 'ForAllValues') return actual.every(satisfies);
    if (qualifier === 'ForAnyValue') return actual.some(satisfies);
    // A single-valued key (the usual case); for a multi-valued one, any value matching counts, as IAM does.
    const anyMatches = actual.some((v) => tests.some((t) => t(v)));
    return anyMatches !== negated;
  };
}

function resolveString(parts: readonly TemplatePart[], ctx: AuthContext): string | undefined {
  let out = '';
  for (const p of parts) {
    if (p.kind !== 'var') out += p.value;
    else {
      const value = p.get(ctx);
      if (value === undefined) return undefined;
      out += value;
    }
  }
  return out;
}
