import { X509Certificate } from 'node:crypto';
import { authContext, certificateContext, type DeviceSession, effectivePolicies } from '../broker/authorization';
import type { EmulatorContext } from '../context';
import { invalidRequest, notFound } from '../errors';
import { type AttachedPolicy, type AuthContext, evaluate } from '../policy/evaluator';
import { resolvePrincipal } from './principals';

/**
 * TestAuthorization: "Tests if a specified principal is authorized to perform an IoT action on a specified
 * resource." The same evaluation the broker applies on CONNECT, PUBLISH, SUBSCRIBE and each delivery
 * (emulator/broker/authorization.ts), without a connection: the principal's attached policies (and, when the
 * client id is a thing the certificate is attached to, its thing groups' policies), policy variables resolved
 * from the client id and the certificate, an explicit Deny winning over every Allow.
 *
 * The answer lists, per authInfo, the policies that allowed it, those that explicitly denied it, and (for an
 * implicit deny) the policies that neither allowed nor denied it, with AWS's decision name.
 */

const ACTIONS = {
  CONNECT: 'iot:Connect',
  PUBLISH: 'iot:Publish',
  SUBSCRIBE: 'iot:Subscribe',
  RECEIVE: 'iot:Receive',
} as const;
export type AuthActionType = keyof typeof ACTIONS;
/** In the service model's order. */
export const AUTH_ACTION_TYPES = ['PUBLISH', 'SUBSCRIBE', 'RECEIVE', 'CONNECT'] as const satisfies AuthActionType[];

type AuthDecision = 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';

export interface AuthorizationTest {
  principal?: string;
  cognitoIdentityPoolId?: string;
  clientId?: string;
  authInfos: { actionType?: AuthActionType; resources: string[] }[];
  policyNamesToAdd?: string[];
  policyNamesToSkip?: string[];
}

interface PolicyRef {
  policyName: string;
  policyArn: string;
}

export interface AuthResult {
  authInfo: { actionType?: AuthActionType; resources: string[] };
  allowed: { policies: PolicyRef[] };
  denied: { implicitDeny: { policies: PolicyRef[] }; explicitDeny: { policies: PolicyRef[] } };
  authDecision: AuthDecision;
  missingContextValues: string[];
}

function defaultVersionOf(ctx: EmulatorContext, name: string): AttachedPolicy {
  const policy = ctx.store.c.policies.get(name);
  const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
  if (!policy || !version) throw notFound(`Policy ${name} does not exist.`);
  return { policyName: policy.policyName, document: version.document };
}

export function testAuthorization(ctx: EmulatorContext, input: AuthorizationTest): AuthResult[] {
  if (!input.principal && !input.cognitoIdentityPoolId) {
    throw invalidRequest('A principal (a certificate ARN or an Amazon Cognito identity id) is required.');
  }
  const { clientId } = input;

  let policies: AttachedPolicy[] = [];
  let auth: AuthContext = { region: ctx.config.region, accountId: ctx.config.accountId, clientId: clientId ?? '' };
  if (input.principal) {
    const principal = resolvePrincipal(ctx.store, input.principal, { allowThingGroup: false, label: 'Principal' });
    if (principal.kind === 'certificate') {
      const record = principal.certificate;
      const session: DeviceSession = {
        kind: 'device',
        certificateId: record.certificateId,
        certificateArn: record.certificateArn,
        certificate: certificateContext(new X509Certificate(record.certificatePem), record.certificateId),
        clientId,
        sessionIdentifier: 'test-authorization',
      };
      policies = effectivePolicies(ctx, session);
      auth = authContext(ctx, session);
    }
    // A Cognito identity has no IoT policies stored here: only policyNamesToAdd apply to it.
  }
  for (const name of input.policyNamesToAdd ?? []) {
    if (!policies.some((p) => p.policyName === name)) policies.push(defaultVersionOf(ctx, name));
  }
  const skip = new Set(input.policyNamesToSkip ?? []);
  policies = policies.filter((p) => !skip.has(p.policyName));

  const policyRef = (name: string): PolicyRef => ({
    policyName: name,
    policyArn:
      ctx.store.c.policies.get(name)?.policyArn ??
      `arn:aws:iot:${ctx.config.region}:${ctx.config.accountId}:policy/${name}`,
  });

  return input.authInfos.map((info) => {
    const action = info.actionType ? ACTIONS[info.actionType] : undefined;
    const allowedBy = new Set<string>();
    const explicitBy = new Set<string>();
    const silent = new Set<string>();
    let decision: AuthDecision = info.resources.length && action ? 'ALLOWED' : 'IMPLICIT_DENY';
    if (action) {
      for (const resource of info.resources) {
        const overall = evaluate(policies, auth, { action, resource });
        if (!overall.allowed) {
          if (overall.reason === 'explicit-deny') decision = 'EXPLICIT_DENY';
          else if (decision === 'ALLOWED') decision = 'IMPLICIT_DENY';
        }
        // Which policy did what: each one on its own.
        for (const policy of policies) {
          const alone = evaluate([policy], auth, { action, resource });
          if (alone.allowed) allowedBy.add(policy.policyName);
          else if (alone.reason === 'explicit-deny') explicitBy.add(policy.policyName);
          else silent.add(policy.policyName);
        }
      }
    } else {
      for (const policy of policies) silent.add(policy.policyName);
    }
    return {
      authInfo: { ...(info.actionType ? { actionType: info.actionType } : {}), resources: info.resources },
      allowed: { policies: decision === 'ALLOWED' ? [...allowedBy].map(policyRef) : [] },
      denied: {
        implicitDeny: {
          policies: decision === 'IMPLICIT_DENY' ? [...silent].filter((n) => !allowedBy.has(n)).map(policyRef) : [],
        },
        explicitDeny: { policies: [...explicitBy].map(policyRef) },
      },
      authDecision: decision,
      missingContextValues: [],
    };
  });
}
