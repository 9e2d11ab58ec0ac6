import {
  contextKeyGetter,
  parseTemplate,
  type AuthContext,
  type ContextGetter,
  type TemplatePart,
  type VariableGetter,
} from './variables';

export type { AuthContext, AltNames, AltNameKind } from './variables';

/**
 * AWS IoT Core policy evaluation, as the message broker applies it on CONNECT (iot:Connect), PUBLISH (iot:Publish,
 * iot:RetainPublish), SUBSCRIBE (iot:Subscribe) and every delivery (iot:Receive), and as the dashboard's connection
 * check simulates it.
 *
 * Pure and fast: a policy document is compiled once into matchers (cached by its text) and a request is then a few
 * string comparisons. It accepts the raw document (text or parsed JSON) and normalises it itself, leniently: a
 * document that is not JSON, or a statement it cannot read, grants nothing and denies nothing; it never throws.
 *
 * The rules (IAM's, as AWS IoT applies them):
 * - nothing is allowed unless a statement allows it; a matching explicit Deny in any attached policy wins over every
 *   Allow;
 * - a statement applies when its Action (or NotAction), its Resource (or NotResource) and all of its Condition
 *   match; actions compare case-insensitively, resources case-sensitively;
 * - in actions, resources and StringLike values `*` matches any run of characters (across `/`) and `?` exactly one;
 *   MQTT's `+` and `#` are literal characters ("The characters + and # are treated as literal strings in a policy"),
 *   so a SUBSCRIBE to `a/#` is checked against `...:topicfilter/a/#`;
 * - policy variables (`${iot:ClientId}` ...) are substituted in Resource and Condition values only in documents
 *   with "Version": "2012-10-17"; in "2008-10-17" documents and those without a Version they stay literal text, as
 *   IAM does. The escapes `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`, and a substituted value is
 *   always literal too (a client id `*` does not become a wildcard).
 */

export type IotAction =
  | 'iot:Connect'
  | 'iot:Publish'
  | 'iot:Subscribe'
  | 'iot:Receive'
  | 'iot:RetainPublish'
  | 'iot:GetThingShadow'
  | 'iot:UpdateThingShadow'
  | 'iot:DeleteThingShadow'
  | (string & {});

/** One request to authorise: `resource` is the full ARN (see {@link resourceArn}). */
export interface AuthRequest {
  action: IotAction;
  resource: string;
}

/** A policy attached to the principal: its name (for the decision's explanation) and its document. */
export interface AttachedPolicy {
  policyName: string;
  /** The policy document as stored (JSON text) or already parsed. */
  document: string | object;
}

export interface StatementRef {
  policyName: string;
  /** The statement's position in the document's Statement array (0 when Statement is a single object). */
  statementIndex: number;
  sid?: string;
}

export type Decision =
  | { allowed: true; matchedBy: StatementRef }
  | { allowed: false; reason: 'implicit-deny' }
  | { allowed: false; reason: 'explicit-deny'; deniedBy: StatementRef };

export type ResourceKind = 'client' | 'topic' | 'topicfilter' | 'thing';

/**
 * The ARN a request names: iot:Connect `client/{clientId}`; iot:Publish, iot:Receive and iot:RetainPublish
 * `topic/{topic}`; iot:Subscribe `topicfilter/{filter}`; the shadow actions `thing/{thingName}`.
 */
export function resourceArn(
  ctx: { region: string; accountId: string; partition?: string },
  kind: ResourceKind,
  name: string,
): string {
  return `arn:${ctx.partition ?? 'aws'}:iot:${ctx.region}:${ctx.accountId}:${kind}/${name}`;
}

/**
 * Decides a request against every policy attached to the principal. Deny by default; any applicable Allow allows;
 * any applicable Deny refuses, whatever allows it.
 */
export function evaluate(policies: readonly AttachedPolicy[], ctx: AuthContext, req: AuthRequest): Decision {
  const action = req.action.toLowerCase();
  let allow: StatementRef | undefined;
  for (const policy of policies) {
    const compiled = compilePolicy(policy.document);
    for (const st of compiled.statements) {
      // Once something allows, only a Deny can change the answer.
      if (allow && st.effect === 'Allow') continue;
      if (!statementApplies(st, action, req.resource, ctx)) continue;
      const ref: StatementRef = { policyName: policy.policyName, statementIndex: st.index };
      if (st.sid !== undefined) ref.sid = st.sid;
      if (st.effect === 'Deny') return { allowed: false, reason: 'explicit-deny', deniedBy: ref };
      allow = ref;
    }
  }
  return allow ? { allowed: true, matchedBy: allow } : { allowed: false, reason: 'implicit-deny' };
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled form

/** A glob token: literal text, STAR (`*`, any run of characters) or ONE (`?`, exactly one character). */
type GlobToken = string | typeof STAR | typeof ONE;
const STAR = 0;
const ONE = 1;

interface CompiledStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Takes the action in lower case. */
  action: (action: string) => boolean;
  resource: (resource: string, ctx: AuthContext) => boolean;
  conditions: ((ctx: AuthContext) => boolean)[];
}

export interface CompiledPolicy {
  /** The statements that can apply to some request (unreadable ones are left out). */
  readonly statements: readonly CompiledStatement[];
  /** Why the document, or some of its statements, grant nothing; empty for a sound document. */
  readonly problems: readonly string[];
}

function statementApplies(st: CompiledStatement, action: string, resource: string, ctx: AuthContext): boolean {
  if (!st.action(action) || !st.resource(resource, ctx)) return false;
  for (const condition of st.conditions) if (!condition(ctx)) return false;
  return true;
}

const CACHE_LIMIT = 1000;
const textCache = new Map<string, CompiledPolicy>();
const objectCache = new WeakMap<object, CompiledPolicy>();

/** Compiles a policy document (cached by its text, or by identity for a parsed object). Never throws. */
export function compilePolicy(document: string | object): CompiledPolicy {
  if (typeof document === 'string') {
    const hit = textCache.get(document);
    if (hit) return hit;
    let parsed: unknown;
    let compiled: CompiledPolicy;
    try {
      parsed = JSON.parse(document);
      compiled = compileDocument(parsed);
    } catch (e) {
      compiled = { statements: [], problems: [`The policy document is not valid JSON (${(e as Error).message}).`] };
    }
    if (textCache.size >= CACHE_LIMIT) textCache.delete(textCache.keys().next().value as string);
    textCache.set(document, compiled);
    return compiled;
  }
  if (document === null || typeof document !== 'object') return compileDocument(document);
  const hit = objectCache.get(document);
  if (hit) return hit;
  const compiled = compileDocument(document);
  objectCache.set(document, compiled);
  return compiled;
}

/** How many documents (by text) are compiled and cached. */
export function compiledPolicyCacheSize(): number {
  return textCache.size;
}

export function clearCompiledPolicyCache(): void {
  textCache.clear();
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compileDocument(doc: unknown): CompiledPolicy {
  const problems: string[] = [];
  if (!isRecord(doc)) return { statements: [], problems: ['The policy document is not a JSON object.'] };
  // IAM substitutes policy variables only under the 2012-10-17 policy language; without a Version (which IAM
  // reads as 2008-10-17) or with 2008-10-17, `${iot:ClientId}` is a literal string.
  const substitute = doc.Version === '2012-10-17';
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) problems.push('The policy document has no statement.');
  const statements: CompiledStatement[] = [];
  list.forEach((st, index) => {
    const compiled = compileStatement(st, index, substitute);
    if (typeof compiled === 'string') problems.push(`Statement ${index}: ${compiled}`);
    else statements.push(compiled);
  });
  return { statements, problems };
}

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** A statement, or why it can never apply. */
function compileStatement(st: unknown, index: number, substitute: boolean): CompiledStatement | string {
  if (!isRecord(st)) return 'not a JSON object; it grants nothing.';
  const effect = st.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') return 'Effect is not "Allow" or "Deny"; it is ignored.';

  const hasAction = st.Action !== undefined;
  if (hasAction === (st.NotAction !== undefined)) return 'it needs exactly one of Action and NotAction; it is ignored.';
  const actions = stringList(hasAction ? st.Action : st.NotAction);
  if (!actions) return 'its actions are not a string or an array of strings; it is ignored.';

  const hasResource = st.Resource !== undefined;
  if (hasResource === (st.NotResource !== undefined)) {
    return 'it needs exactly one of Resource and NotResource; it is ignored.';
  }
  const resources = stringList(hasResource ? st.Resource : st.NotResource);
  if (!resources) return 'its resources are not a string or an array of strings; it is ignored.';

  const conditions: ((ctx: AuthContext) => boolean)[] = [];
  if (st.Condition !== undefined) {
    if (!isRecord(st.Condition)) return 'Condition is not a JSON object; it is ignored.';
    for (const [operator, block] of Object.entries(st.Condition)) {
      if (!isRecord(block)) return `Condition ${operator} is not a JSON object; it is ignored.`;
      for (const [key, value] of Object.entries(block)) {
        const compiled = compileCondition(operator, key, value, substitute);
        if (typeof compiled === 'string') return compiled;
        conditions.push(compiled);
      }
    }
  }

  const statement: CompiledStatement = {
    index,
    effect,
    action: compileActions(actions, hasAction),
    resource: compileResources(resources, hasResource, substitute),
    conditions,
  };
  if (typeof st.Sid === 'string') statement.sid = st.Sid;
  return statement;
}

// ---------------------------------------------------------------------------------------------------------------
// Actions and resources

function compileActions(actions: string[], positive: boolean): (action: string) => boolean {
  // IAM compares action names case-insensitively; `*` and `?` are wildcards in them (iot:*, iot:*Shadow).
  const matchers = actions.map((a) =>
    globMatcher(compileGlob([{ kind: 'text', value: a.toLowerCase() }]) as GlobToken[]),
  );
  if (matchers.length === 1) {
    const only = matchers[0] as (s: string) => boolean;
    return positive ? only : (action) => !only(action);
  }
  return positive ? (action) => matchers.some((m) => m(action)) : (action) => !matchers.some((m) => m(action));
}

/**
 * An entry of Resource/NotResource. Unresolvable variables (a thing variable on a connection whose certificate is
 * not attached to the thing named like the client, an absent certificate field, an unknown variable) make the
 * entry match nothing: AWS says of `${iot:Connection.Thing.Attributes[...]}` "If the device certificate is not
 * associated with the thing, this variable won't be resolved and will result in an access denied error".
 */
type ResourceMatcher = (resource: string, ctx: AuthContext) => boolean | undefined;

function compileResource(pattern: string, substitute: boolean): ResourceMatcher {
  const glob = compileGlob(parseTemplate(pattern, substitute));
  if (Array.isArray(glob)) {
    const match = globMatcher(glob);
    return (resource) => match(resource);
  }
  return (resource, ctx) => {
    const tokens = glob(ctx);
    return tokens ? matchGlob(tokens, resource) : undefined;
  };
}

function compileResources(
  resources: string[],
  positive: boolean,
  substitute: boolean,
): (resource: string, ctx: AuthContext) => boolean {
  const matchers = resources.map((r) => compileResource(r, substitute));
  if (positive) {
    // Resource: any entry that matches (an unresolvable entry matches nothing).
    return (resource, ctx) => matchers.some((m) => m(resource, ctx) === true);
  }
  // NotResource: the statement applies to every resource no entry matches. An entry that cannot be resolved cannot
  // say what it excludes, so the statement does not apply at all (it neither grants nor denies): the choice that
  // never lets an unresolvable variable widen an Allow.
  return (resource, ctx) => {
    for (const m of matchers) {
      const r = m(resource, ctx);
      if (r !== false) return false;
    }
    return true;
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

// ---------------------------------------------------------------------------------------------------------------
// Glob matching

/**
 * A template as glob tokens: `*` and `?` in text parts are wildcards; literal parts (escapes) and substituted values
 * are literal. Without variables the tokens themselves; with variables, a function that substitutes them (undefined
 * when one cannot be resolved), the text already split into tokens once.
 */
function compileGlob(parts: readonly TemplatePart[]): GlobToken[] | ((ctx: AuthContext) => GlobToken[] | undefined) {
  const tokens: (GlobToken | VariableGetter)[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push(text);
    text = '';
  };
  for (const p of parts) {
    if (p.kind === 'literal') text += p.value;
    else if (p.kind === 'var') {
      flush();
      tokens.push(p.get);
    } else {
      for (const ch of p.value) {
        if (ch === '*') {
          flush();
          if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
        } else if (ch === '?') {
          flush();
          tokens.push(ONE);
        } else text += ch;
      }
    }
  }
  flush();
  if (!tokens.some((t) => typeof t === 'function')) return tokens as GlobToken[];
  return (ctx) => {
    const out: GlobToken[] = [];
    for (const t of tokens) {
      if (typeof t !== 'function') out.push(t);
      else {
        const value = t(ctx);
        if (value === undefined) return undefined;
        out.push(value); // a substituted value is literal text, never a wildcard
      }
    }
    return out;
  };
}

/** A matcher with fast paths for `*` alone and for text without wildcards. */
function globMatcher(tokens: GlobToken[]): (s: string) => boolean {
  if (tokens.length === 1 && tokens[0] === STAR) return () => true;
  if (tokens.length === 0) return (s) => s === '';
  if (tokens.length === 1 && typeof tokens[0] === 'string') {
    const literal = tokens[0];
    return (s) => s === literal;
  }
  return (s) => matchGlob(tokens, s);
}

/** Length of the character (code point) at `i`, so that `?` matches one character, not half a surrogate pair. */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

/**
 * Wildcard matching with backtracking to the last `*` only: linear in practice, O(n*m) at worst, no regular
 * expressions (so a resource can never be read as one).
 */
function matchGlob(tokens: readonly GlobToken[], s: string): boolean {
  let t = 0;
  let i = 0;
  let starToken = -1;
  let starAt = 0;
  while (t < tokens.length || i < s.length) {
    if (t < tokens.length) {
      const token = tokens[t] as GlobToken;
      if (token === STAR) {
        starToken = t++;
        starAt = i;
        continue;
      }
      if (token === ONE) {
        if (i < s.length) {
          i += charLength(s, i);
          t++;
          continue;
        }
      } else if (s.startsWith(token, i)) {
        i += token.length;
        t++;
        continue;
      }
    }
    if (starToken < 0 || starAt >= s.length) return false;
    starAt += charLength(s, starAt);
    i = starAt;
    t = starToken + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions

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
function compileCondition(
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

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (aws:SourceIp), without node:net so the module also runs outside Node.

interface IpAddr {
  v6: boolean;
  n: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let k = 1; k <= 4; k++) {
    const octet = Number(m[k]);
    if (octet > 255) return undefined;
    n = (n << 8n) | BigInt(octet);
  }
  return n;
}

function parseIp(raw: string): IpAddr | undefined {
  const s = raw.trim();
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, n: v4 };
  let text = s.replace(/%.*$/, '').toLowerCase();
  if (!text.includes(':')) return undefined;
  // An embedded IPv4 address at the end (::ffff:1.2.3.4) counts as two groups.
  let tail: bigint | undefined;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = parseIpv4(dotted[2] as string);
    if (tail === undefined) return undefined;
    text = `${dotted[1]}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d), as a dual-stack server reports an IPv4 client, is that IPv4 address.
  if (n >> 32n === 0xffffn) return { v6: false, n: n & 0xffffffffn };
  return { v6: true, n };
}

interface IpRange {
  v6: boolean;
  network: bigint;
  shift: bigint;
}

function parseCidr(value: string): IpRange | undefined {
  const [address, prefixText, extra] = value.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const shift = BigInt(bits - prefix);
  return { v6: ip.v6, network: ip.n >> shift, shift };
}

function inRange(range: IpRange, value: string): boolean {
  const ip = parseIp(value);
  return !!ip && ip.v6 === range.v6 && ip.n >> range.shift === range.network;
}
