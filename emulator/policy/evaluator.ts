import { compileCondition } from './conditions';
import { compileGlob, type GlobToken, globMatcher, matchGlob } from './glob';
import { type AuthContext, parseTemplate } from './variables';

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
 *
 * This module compiles documents and statements and decides; wildcards are in ./glob.ts, condition operators in
 * ./conditions.ts (IP ranges in ./ip.ts), policy variables and context keys in ./variables.ts.
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
