import { parsePolicyDocument, type ParsedPolicy, type PolicyStatement } from '../validation/policy-document';

/**
 * A linter for AWS IoT policies: plain-words warnings about grants that are broader than a device needs.
 * AWS accepts every one of these policies; the warnings are advice shown beside the editor and never block
 * saving. Pure (no I/O), so the editor runs it on every keystroke and the unit tests pin each rule down.
 *
 * Matching follows AWS IoT's policy grammar: action names are case-insensitive, `*` matches any run of
 * characters and `?` exactly one, and MQTT's `+` and `#` are ordinary characters in a policy resource.
 */

export type LintRule =
  | 'all-actions'
  | 'all-resources'
  | 'full-access-without-deny'
  | 'subscribe-without-receive'
  | 'receive-without-subscribe'
  | 'connect-not-thing-scoped'
  | 'broad-publish'
  | 'mqtt-wildcard-literal';

export interface LintWarning {
  rule: LintRule;
  /** Where, like `Statement[1].Resource[0]`; empty for the document as a whole. */
  path: string;
  message: string;
}

/** The policy variables that tie a client id to the device presenting the certificate. */
const THING_SCOPED_VARIABLES = ['${iot:Connection.Thing.ThingName}', '${iot:ClientId}'];

function globToRegExp(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\#]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Whether an action pattern (`iot:*`, `iot:Pub*`, `*`) covers an action; action names are case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globToRegExp(pattern, 'i').test(action);
}

function coversAction(st: PolicyStatement, action: string): boolean {
  if (st.actions) return st.actions.some((p) => actionMatches(p, action));
  // NotAction: everything except what is listed.
  return !(st.notActions ?? []).some((p) => actionMatches(p, action));
}

/** `*` or `iot:*` (or a NotAction, which allows everything not listed): every AWS IoT action. */
function grantsAllActions(st: PolicyStatement): boolean {
  if (st.notActions) return true;
  return (st.actions ?? []).some((p) => p === '*' || /^iot:\*$/i.test(p));
}

/** The part of an AWS IoT ARN after the account (`topic/a/b`), or `*` for a bare wildcard resource. */
function resourcePath(resource: string): string {
  if (resource === '*') return '*';
  const parts = resource.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : resource;
}

/** The resource type (`client`, `topic`, `topicfilter`, `thing` ...), or 'any' when a wildcard covers the type. */
function resourceType(resource: string): string {
  const path = resourcePath(resource);
  const slash = path.indexOf('/');
  const type = slash === -1 ? path : path.slice(0, slash);
  return /[*?]/.test(type) ? 'any' : type;
}

/** `*` or `arn:aws:iot:<region>:<account>:*`: every resource of every type. */
function isEveryResource(resource: string): boolean {
  return resourcePath(resource) === '*';
}

function resourceEntries(st: PolicyStatement, at: string): { value: string; path: string }[] {
  if (st.resources) return st.resources.map((value, i) => ({ value, path: `${at}.Resource[${i}]` }));
  return [];
}

function statementPaths(policy: ParsedPolicy, rawIsArray: boolean): string[] {
  return policy.statements.map((_, i) => (rawIsArray ? `Statement[${i}]` : 'Statement'));
}

/**
 * Lints a parsed policy. `statementsAreArray` only shapes the paths (`Statement[0]` vs `Statement`); the
 * text entry point works it out from the document.
 */
export function lintPolicy(policy: ParsedPolicy, statementsAreArray = true): LintWarning[] {
  const warnings: LintWarning[] = [];
  const paths = statementPaths(policy, statementsAreArray);
  const allows = policy.statements.map((st, i) => ({ st, at: paths[i]! })).filter(({ st }) => st.effect === 'Allow');
  const hasDeny = policy.statements.some((st) => st.effect === 'Deny');

  for (const { st, at } of allows) {
    const allActions = grantsAllActions(st);
    const everyResource = st.notResources !== undefined || (st.resources ?? []).some(isEveryResource);

    if (allActions) {
      const shown = st.notActions ? 'NotAction' : (st.actions ?? []).find((p) => p === '*' || /^iot:\*$/i.test(p));
      warnings.push({
        rule: 'all-actions',
        path: `${at}.${st.notActions ? 'NotAction' : 'Action'}`,
        message: `${shown === 'NotAction' ? 'NotAction' : `"${shown}"`} allows every AWS IoT action, including deleting shadows and retained messages and managing jobs. List only what the device does, for example iot:Connect, iot:Publish, iot:Subscribe and iot:Receive.`,
      });
    }
    if (everyResource) {
      warnings.push({
        rule: 'all-resources',
        path: st.notResources ? `${at}.NotResource` : `${at}.Resource`,
        message:
          'This statement applies to every client id, topic and thing in the account, so any device holding the policy can act as any other. Scope the resources to the device, for example with ${iot:Connection.Thing.ThingName}.',
      });
    }
    if (allActions && everyResource && !hasDeny) {
      warnings.push({
        rule: 'full-access-without-deny',
        path: at,
        message:
          'This statement allows every AWS IoT action on every resource and no Deny statement limits it: a leaked certificate could connect as any device, publish anywhere and change any shadow. Use it for a quick test only.',
      });
    }

    if (coversAction(st, 'iot:Connect')) {
      for (const r of resourceEntries(st, at)) {
        const type = resourceType(r.value);
        if (type !== 'client' && type !== 'any') continue;
        if (THING_SCOPED_VARIABLES.some((v) => r.value.includes(v))) continue;
        warnings.push({
          rule: 'connect-not-thing-scoped',
          path: r.path,
          message: `iot:Connect on "${r.value}" is not tied to the device: a certificate with this policy can connect with ${
            type === 'any' || /[*?]/.test(resourcePath(r.value)) ? 'any client id it likes' : 'that fixed client id'
          }, and a second connection with the same client id disconnects the first. Use client/\${iot:Connection.Thing.ThingName}.`,
        });
      }
    }

    const publishes = coversAction(st, 'iot:Publish');
    for (const r of resourceEntries(st, at)) {
      const type = resourceType(r.value);
      const path = resourcePath(r.value);
      const topic = type === 'topic' ? path.slice('topic/'.length) : type === 'any' ? '*' : undefined;
      if (publishes && topic !== undefined && /^[*#+]/.test(topic)) {
        const literal = /^[#+]/.test(topic);
        warnings.push({
          rule: 'broad-publish',
          path: r.path,
          message: literal
            ? `iot:Publish on "${r.value}": in a policy "${topic[0]}" is an ordinary character, so this matches only topics that literally start with "${topic[0]}". If you meant every topic, that would be far too broad; grant the device its own prefix instead, for example topic/\${iot:Connection.Thing.ThingName}/*.`
            : `iot:Publish on "${r.value}" lets the device publish to every topic, including other devices' topics and reserved $aws/ topics (shadows, jobs, rules). Grant its own prefix instead, for example topic/\${iot:Connection.Thing.ThingName}/*.`,
        });
      } else if (type === 'topic' && /[#+]/.test(topic ?? '')) {
        warnings.push({
          rule: 'mqtt-wildcard-literal',
          path: r.path,
          message: `"${r.value}" contains an MQTT wildcard, but in a topic resource "#" and "+" are ordinary characters and match only themselves. Use "*" (any characters) or "?" (one character) instead.`,
        });
      }
    }
  }

  const subscribes = allows.some(({ st }) => coversAction(st, 'iot:Subscribe'));
  const receives = allows.some(({ st }) => coversAction(st, 'iot:Receive'));
  if (subscribes && !receives) {
    warnings.push({
      rule: 'subscribe-without-receive',
      path: '',
      message:
        'iot:Subscribe is allowed but iot:Receive is not: the device can subscribe, yet AWS IoT will deliver it no messages. Allow iot:Receive on the matching topic/... resources.',
    });
  }
  if (receives && !subscribes) {
    warnings.push({
      rule: 'receive-without-subscribe',
      path: '',
      message:
        'iot:Receive is allowed but iot:Subscribe is not: the device cannot subscribe to anything, so it will receive nothing. Allow iot:Subscribe on the matching topicfilter/... resources.',
    });
  }
  return warnings;
}

/** Lints a document's text; a document AWS would refuse has no lint warnings (its errors come first). */
export function lintPolicyDocument(text: string): LintWarning[] {
  const result = parsePolicyDocument(text);
  if (!result.ok) return [];
  let isArray = true;
  try {
    isArray = Array.isArray((JSON.parse(text) as { Statement?: unknown }).Statement);
  } catch {
    // parsePolicyDocument already parsed it; unreachable.
  }
  return lintPolicy(result.policy, isArray);
}
