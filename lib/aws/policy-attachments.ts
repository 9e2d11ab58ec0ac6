import 'server-only';

import {
  AttachPolicyCommand,
  DetachPolicyCommand,
  ListAttachedPoliciesCommand,
  TestAuthorizationCommand,
} from '@aws-sdk/client-iot';

import { type CallOptions, callIot } from './call';
import { AppError, toAppError } from './errors';
import { policyError } from './policies';

/**
 * Policies on their targets (certificates, thing groups, Cognito identities): attach, detach, list, and
 * TestAuthorization, AWS's own answer to "what may this certificate do", evaluated over what is attached.
 */

/** AttachPolicy. */
export async function attachPolicy(name: string, target: string, options: CallOptions = {}): Promise<void> {
  try {
    await callIot(`policy "${name}"`, (c) => c.send(new AttachPolicyCommand({ policyName: name, target })), options);
  } catch (err) {
    const app = toAppError(err);
    if (app.source === 'LimitExceededException') {
      throw new AppError(
        'limit_exceeded',
        'That certificate already has the most policies AWS IoT allows on one target (10). Detach one from it first.',
        { source: app.source, cause: app },
      );
    }
    throw policyError(app, name);
  }
}

/**
 * DetachPolicy; detaching a policy that is not attached succeeds, as in AWS. A policy or target that does
 * not exist is AppError `not_found` (a caller undoing its own work treats that as done).
 */
export async function detachPolicy(name: string, target: string, options: CallOptions = {}): Promise<void> {
  try {
    await callIot(`policy "${name}"`, (c) => c.send(new DetachPolicyCommand({ policyName: name, target })), options);
  } catch (err) {
    throw policyError(err, name);
  }
}

/** Names of the policies attached directly to a target (ListAttachedPolicies, every page). */
export async function listAttachedPolicies(target: string, options: CallOptions = {}): Promise<string[]> {
  return callIot(
    'certificate policies',
    async (client) => {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const out = await client.send(
          new ListAttachedPoliciesCommand({ target, marker, pageSize: 250, recursive: false }),
        );
        for (const p of out.policies ?? []) if (p.policyName) names.push(p.policyName);
        marker = out.nextMarker || undefined;
      } while (marker);
      return names;
    },
    options,
  );
}

export type AuthDecision = 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';

export interface AuthorizationOutcome {
  decision: AuthDecision;
  allowedBy: string[];
  deniedBy: string[];
}

export interface TestAuthorizationInput {
  certificateArn: string;
  clientId: string;
  authInfos: { actionType: 'CONNECT' | 'PUBLISH' | 'SUBSCRIBE' | 'RECEIVE'; resources: string[] }[];
}

/** TestAuthorization for a certificate principal; one outcome per authInfo, in order. */
export async function testAuthorization(input: TestAuthorizationInput): Promise<AuthorizationOutcome[]> {
  const out = await callIot('authorization test', (client) =>
    client.send(
      new TestAuthorizationCommand({
        principal: input.certificateArn,
        clientId: input.clientId,
        authInfos: input.authInfos,
      }),
    ),
  );
  const results = out.authResults ?? [];
  const names = (ps: { policyName?: string }[] | undefined) =>
    (ps ?? []).flatMap((p) => (p.policyName ? [p.policyName] : []));
  return input.authInfos.map((_, i) => {
    const r = results[i];
    const decision =
      r?.authDecision === 'ALLOWED' || r?.authDecision === 'EXPLICIT_DENY' ? r.authDecision : 'IMPLICIT_DENY';
    return { decision, allowedBy: names(r?.allowed?.policies), deniedBy: names(r?.denied?.explicitDeny?.policies) };
  });
}
