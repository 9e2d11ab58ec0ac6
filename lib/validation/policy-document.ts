import { z } from 'zod';
import { jsonSyntaxMessage, parseJson } from '../json/parse';
import { MAX_POLICY_DOCUMENT_CHARS, policyDocumentSize } from './iot-names';

/**
 * AWS IoT policy documents: parsing and validation, pure and dependency-free apart from zod, so the
 * emulator (CreatePolicy / CreatePolicyVersion and the broker's evaluator) and the dashboard's policy
 * editor accept and refuse the same documents for the same reasons.
 *
 * What AWS IoT accepts (IAM grammar, identity-based only):
 * - a JSON object with `Statement` (object or non-empty array) and optionally `Version` and `Id`;
 * - `Version` "2012-10-17" (needed for policy variables such as `${iot:ClientId}`) or the legacy "2008-10-17";
 * - each statement: `Effect` Allow|Deny, exactly one of `Action`/`NotAction`, exactly one of
 *   `Resource`/`NotResource`, optional `Sid` and `Condition`. `Principal`/`NotPrincipal` belong to
 *   resource-based policies and are refused, as is any other member;
 * - at most 2,048 characters not counting white space.
 * Problems that AWS would accept but that make the policy useless (an unknown `iot:` action, a non-IoT
 * service) are reported as warnings, never as errors.
 */

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;

/** The actions an AWS IoT policy governs on the data plane (the ones the message broker and shadows check). */
export const IOT_POLICY_ACTIONS = [
  'iot:Connect',
  'iot:Publish',
  'iot:Subscribe',
  'iot:Receive',
  'iot:RetainPublish',
  'iot:GetThingShadow',
  'iot:UpdateThingShadow',
  'iot:DeleteThingShadow',
  'iot:ListNamedShadowsForThing',
  'iot:GetRetainedMessage',
  'iot:ListRetainedMessages',
  'iot:DescribeJobExecution',
  'iot:GetPendingJobExecutions',
  'iot:StartNextPendingJobExecution',
  'iot:UpdateJobExecution',
  'iot:AssumeRoleWithCertificate',
  'iot:DeleteConnection',
] as const;

/** Service prefixes whose actions an AWS IoT policy may carry (Greengrass v1/v2 core devices use theirs). */
const IOT_POLICY_SERVICES = new Set(['iot', 'greengrass']);

const CONDITION_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
]);

const TOP_LEVEL_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

export type PolicyEffect = 'Allow' | 'Deny';

/** One statement, normalised: every list is an array, exactly one of each Action/NotAction, Resource/NotResource. */
export interface PolicyStatement {
  sid?: string;
  effect: PolicyEffect;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** operator -> condition key -> values (numbers and booleans kept as their string form, as IAM compares them). */
  conditions?: Record<string, Record<string, string[]>>;
}

export interface ParsedPolicy {
  version?: string;
  id?: string;
  statements: PolicyStatement[];
}

/** A problem and where it is: `path` is like `Statement[1].Action[0]` (empty for the document as a whole). */
export interface PolicyProblem {
  path: string;
  message: string;
}

export type PolicyDocumentResult =
  | { ok: true; policy: ParsedPolicy; size: number; warnings: PolicyProblem[] }
  | { ok: false; errors: PolicyProblem[]; size: number; warnings: PolicyProblem[] };

const ACTION_PATTERN = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates a policy document; never throws. */
export function parsePolicyDocument(text: string): PolicyDocumentResult {
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const size = policyDocumentSize(text);
  const fail = () => ({ ok: false as const, errors, size, warnings });

  if (size === 0) {
    errors.push({ path: '', message: 'The policy document is empty.' });
    return fail();
  }
  if (size > MAX_POLICY_DOCUMENT_CHARS) {
    errors.push({
      path: '',
      message: `The policy document has ${size} characters not counting white space; at most ${MAX_POLICY_DOCUMENT_CHARS} are allowed.`,
    });
    return fail();
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    errors.push({ path: '', message: `The policy document is not valid JSON (${(e as Error).message}).` });
    return fail();
  }
  if (!isObject(doc)) {
    errors.push({ path: '', message: `The policy document must be a JSON object, not ${describe(doc)}.` });
    return fail();
  }

  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) errors.push({ path: key, message: `Unknown policy element '${key}'.` });
  }
  const policy: ParsedPolicy = { statements: [] };

  if (doc.Version === undefined) {
    if (/\$\{[^}]*\}/.test(text)) {
      warnings.push({
        path: 'Version',
        message: 'Policy variables such as ${iot:ClientId} are only substituted with "Version": "2012-10-17".',
      });
    }
  } else if (typeof doc.Version !== 'string' || !(POLICY_VERSIONS as readonly string[]).includes(doc.Version)) {
    errors.push({
      path: 'Version',
      message: `Version must be "2012-10-17" (or the legacy "2008-10-17"), not ${JSON.stringify(doc.Version)}.`,
    });
  } else {
    policy.version = doc.Version;
  }
  if (doc.Id !== undefined) {
    if (typeof doc.Id !== 'string')
      errors.push({ path: 'Id', message: `Id must be a string, not ${describe(doc.Id)}.` });
    else policy.id = doc.Id;
  }

  const raw = doc.Statement;
  if (raw === undefined) {
    errors.push({ path: 'Statement', message: 'The policy has no Statement.' });
    return fail();
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) errors.push({ path: 'Statement', message: 'Statement must contain at least one statement.' });
  const sids = new Set<string>();
  list.forEach((st, i) => {
    const at = Array.isArray(raw) ? `Statement[${i}]` : 'Statement';
    const parsed = parseStatement(st, at, errors, warnings);
    if (parsed?.sid !== undefined) {
      if (sids.has(parsed.sid))
        warnings.push({ path: `${at}.Sid`, message: `Sid '${parsed.sid}' is used by more than one statement.` });
      sids.add(parsed.sid);
    }
    if (parsed) policy.statements.push(parsed);
  });

  return errors.length ? fail() : { ok: true, policy, size, warnings };
}

function parseStatement(
  st: unknown,
  at: string,
  errors: PolicyProblem[],
  warnings: PolicyProblem[],
): PolicyStatement | undefined {
  if (!isObject(st)) {
    errors.push({ path: at, message: `A statement must be a JSON object, not ${describe(st)}.` });
    return undefined;
  }
  const before = errors.length;
  for (const key of Object.keys(st)) {
    if (STATEMENT_KEYS.has(key)) continue;
    const why =
      key === 'Principal' || key === 'NotPrincipal'
        ? ` AWS IoT policies are attached to principals and cannot name one.`
        : '';
    errors.push({ path: `${at}.${key}`, message: `Unknown statement element '${key}'.${why}` });
  }

  const out: Partial<PolicyStatement> = {};
  if (st.Sid !== undefined) {
    if (typeof st.Sid !== 'string')
      errors.push({ path: `${at}.Sid`, message: `Sid must be a string, not ${describe(st.Sid)}.` });
    else out.sid = st.Sid;
  }

  if (st.Effect === undefined)
    errors.push({ path: `${at}.Effect`, message: 'The statement has no Effect; use "Allow" or "Deny".' });
  else if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
    errors.push({
      path: `${at}.Effect`,
      message: `Effect must be "Allow" or "Deny", not ${JSON.stringify(st.Effect)}.`,
    });
  } else out.effect = st.Effect;

  const actions = exactlyOne(st, at, 'Action', 'NotAction', errors);
  if (actions) {
    const values = stringList(actions.value, `${at}.${actions.key}`, errors);
    values?.forEach((a, j) => checkAction(a, `${at}.${actions.key}[${j}]`, errors, warnings));
    if (values) out[actions.key === 'Action' ? 'actions' : 'notActions'] = values;
  }

  const resources = exactlyOne(st, at, 'Resource', 'NotResource', errors);
  if (resources) {
    const values = stringList(resources.value, `${at}.${resources.key}`, errors);
    values?.forEach((r, j) => checkResource(r, `${at}.${resources.key}[${j}]`, errors));
    if (values) out[resources.key === 'Resource' ? 'resources' : 'notResources'] = values;
  }

  if (st.Condition !== undefined) {
    const conditions = parseCondition(st.Condition, `${at}.Condition`, errors);
    if (conditions) out.conditions = conditions;
  }
  return errors.length === before ? (out as PolicyStatement) : undefined;
}

function exactlyOne(
  st: Record<string, unknown>,
  at: string,
  a: 'Action' | 'Resource',
  notA: 'NotAction' | 'NotResource',
  errors: PolicyProblem[],
): { key: typeof a | typeof notA; value: unknown } | undefined {
  const hasA = st[a] !== undefined;
  const hasNot = st[notA] !== undefined;
  if (hasA && hasNot) {
    errors.push({ path: at, message: `A statement may have ${a} or ${notA}, not both.` });
    return undefined;
  }
  if (!hasA && !hasNot) {
    errors.push({ path: `${at}.${a}`, message: `The statement has no ${a} (or ${notA}).` });
    return undefined;
  }
  return hasA ? { key: a, value: st[a] } : { key: notA, value: st[notA] };
}

function stringList(value: unknown, at: string, errors: PolicyProblem[]): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) {
    errors.push({ path: at, message: `Must be a string or an array of strings, not ${describe(value)}.` });
    return undefined;
  }
  if (value.length === 0) {
    errors.push({ path: at, message: 'Must not be an empty array.' });
    return undefined;
  }
  let good = true;
  value.forEach((v, j) => {
    if (typeof v !== 'string') {
      errors.push({ path: `${at}[${j}]`, message: `Must be a string, not ${describe(v)}.` });
      good = false;
    }
  });
  return good ? (value as string[]) : undefined;
}

function checkAction(action: string, at: string, errors: PolicyProblem[], warnings: PolicyProblem[]) {
  if (action === '*') return;
  if (!ACTION_PATTERN.test(action)) {
    errors.push({ path: at, message: `'${action}' is not an action; actions look like "iot:Publish" or "iot:*".` });
    return;
  }
  const [service, name] = action.split(':') as [string, string];
  if (!IOT_POLICY_SERVICES.has(service.toLowerCase())) {
    warnings.push({
      path: at,
      message: `'${action}' is not an AWS IoT action and has no effect in an AWS IoT policy.`,
    });
    return;
  }
  if (service.toLowerCase() === 'iot' && !/[*?]/.test(name)) {
    const known = IOT_POLICY_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase());
    if (!known) warnings.push({ path: at, message: `'${action}' is not an action the AWS IoT data plane checks.` });
  }
}

function checkResource(resource: string, at: string, errors: PolicyProblem[]) {
  if (resource === '*') return;
  // arn:partition:service:region:account:resource; the region and account may be empty or wildcards.
  if (!resource.startsWith('arn:') || resource.split(':').length < 6 || resource.split(':')[5] === '') {
    errors.push({
      path: at,
      message: `'${resource}' is not a valid resource; use "*" or an ARN such as "arn:aws:iot:us-east-1:123456789012:topic/sensors/*".`,
    });
  }
}

function parseCondition(
  value: unknown,
  at: string,
  errors: PolicyProblem[],
): Record<string, Record<string, string[]>> | undefined {
  if (!isObject(value)) {
    errors.push({ path: at, message: `Condition must be a JSON object, not ${describe(value)}.` });
    return undefined;
  }
  const out: Record<string, Record<string, string[]>> = {};
  let good = true;
  for (const [op, block] of Object.entries(value)) {
    const base = op.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
    if (!CONDITION_OPERATORS.has(base)) {
      errors.push({ path: `${at}.${op}`, message: `'${op}' is not a condition operator.` });
      good = false;
      continue;
    }
    if (!isObject(block)) {
      errors.push({
        path: `${at}.${op}`,
        message: `A condition operator takes a JSON object of keys, not ${describe(block)}.`,
      });
      good = false;
      continue;
    }
    const keys: Record<string, string[]> = {};
    for (const [key, v] of Object.entries(block)) {
      const items = Array.isArray(v) ? v : [v];
      const bad = items.length === 0 || items.some((x) => !['string', 'number', 'boolean'].includes(typeof x));
      if (bad) {
        errors.push({
          path: `${at}.${op}.${key}`,
          message: 'A condition value must be a string, number or boolean, or a non-empty array of them.',
        });
        good = false;
        continue;
      }
      keys[key] = items.map(String);
    }
    out[op] = keys;
  }
  return good ? out : undefined;
}

/** One line for a person: the first problem, with its place, plus how many more there are. */
export function describePolicyProblems(problems: readonly PolicyProblem[]): string {
  const [first, ...rest] = problems;
  if (!first) return '';
  const head = first.path ? `${first.path}: ${first.message}` : first.message;
  return rest.length ? `${head} (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : head;
}

/** For forms and actions: a policy document string that AWS IoT would accept. */
export const policyDocument = z.string().superRefine((text, ctx) => {
  // The dashboard's forms: a syntax error once, by line and column (the emulator keeps AWS's own wording).
  const json = parseJson(text);
  if (!json.ok && policyDocumentSize(text) > 0 && policyDocumentSize(text) <= MAX_POLICY_DOCUMENT_CHARS) {
    ctx.addIssue({ code: 'custom', message: jsonSyntaxMessage(json) });
    return;
  }
  const result = parsePolicyDocument(text);
  if (result.ok) return;
  for (const e of result.errors)
    ctx.addIssue({ code: 'custom', message: e.path ? `${e.path}: ${e.message}` : e.message });
});
