import 'server-only';

import { DescribeCACertificateCommand, TestAuthorizationCommand } from '@aws-sdk/client-iot';
import { GetThingShadowCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';

import {
  plannedActions,
  resourceArn,
  type AuthOutcome,
  type CertificateFacts,
  type CheckFacts,
  type EndpointFacts,
  type Lookup,
} from '@/lib/connection-check/evaluate';
import { deviceConnection } from '@/lib/onboarding/root-ca';

import { describeCertificate, listRegisteredCaIds, policiesOfCertificate } from './certificates';
import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { getDataPlaneClient, describeDataEndpoint } from './data-plane';
import { AppError, toAppError } from './errors';
import { certificateIdFromArn, describeThing, listThingPrincipals } from './things';

/**
 * The AWS calls the connection check needs, each turned into a Lookup (a value, or the reason it could not be
 * read) so one failing call shows as one uncertain step instead of breaking the page. The simulation of what the
 * device will do uses AWS's own TestAuthorization in both modes (the local IoT Core implements it with the
 * broker's evaluator), so the answer is the one the broker will give.
 */

const settle = async <T>(fn: () => Promise<T>): Promise<Lookup<T>> => {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, message: toAppError(err).message };
  }
};

const ctx = (resource: string) => ({ resource, endpoint: describeControlEndpoint(readIotConfig()) });

/** DescribeCACertificate: the CA's status (ACTIVE / INACTIVE). */
export async function caCertificateStatus(caCertificateId: string): Promise<string> {
  try {
    const out = await getIotClient().send(new DescribeCACertificateCommand({ certificateId: caCertificateId }));
    return out.certificateDescription?.status ?? 'unknown';
  } catch (err) {
    throw toAppError(err, ctx(`CA certificate ${caCertificateId.slice(0, 10)}…`));
  }
}

export interface TestAuthorizationInput {
  certificateArn: string;
  clientId: string;
  authInfos: { actionType: 'CONNECT' | 'PUBLISH' | 'SUBSCRIBE' | 'RECEIVE'; resources: string[] }[];
}

/** TestAuthorization for a certificate principal; one outcome per authInfo, in order. */
export async function testAuthorization(input: TestAuthorizationInput): Promise<AuthOutcome[]> {
  try {
    const out = await getIotClient().send(
      new TestAuthorizationCommand({
        principal: input.certificateArn,
        clientId: input.clientId,
        authInfos: input.authInfos,
      }),
    );
    const results = out.authResults ?? [];
    return input.authInfos.map((_, i) => {
      const r = results[i];
      const names = (ps: { policyName?: string }[] | undefined) =>
        (ps ?? []).flatMap((p) => (p.policyName ? [p.policyName] : []));
      const decision =
        r?.authDecision === 'ALLOWED' || r?.authDecision === 'EXPLICIT_DENY' ? r.authDecision : 'IMPLICIT_DENY';
      return { decision, allowedBy: names(r?.allowed?.policies), deniedBy: names(r?.denied?.explicitDeny?.policies) };
    });
  } catch (err) {
    throw toAppError(err, ctx('authorization test'));
  }
}

/** `arn:aws:iot:<region>:<account>:cert/<id>` -> region and account, for the resource ARNs to test. */
function arnParts(arn: string): { region: string; accountId: string } | undefined {
  const m = /^arn:aws[a-z-]*:iot:([^:]*):([^:]*):/.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]! } : undefined;
}

async function certificateFacts(
  thingName: string,
  arn: string,
  registeredCas: Lookup<Set<string>>,
): Promise<CertificateFacts> {
  const id = certificateIdFromArn(arn) ?? arn.slice(arn.lastIndexOf('/') + 1);
  const [details, policies] = await Promise.all([
    settle(() => describeCertificate(id)),
    settle(() => policiesOfCertificate(arn)),
  ]);
  let ca: CertificateFacts['ca'] = { kind: 'aws' };
  const caId = details.ok ? details.value.caCertificateId : undefined;
  if (details.ok && !caId) ca = { kind: 'none' };
  else if (caId && registeredCas.ok && registeredCas.value.has(caId)) {
    ca = { kind: 'registered', id: caId, status: await settle(() => caCertificateStatus(caId)) };
  }
  const config = readIotConfig();
  const parts = arnParts(arn) ?? { region: config.region, accountId: '*' };
  const planned = plannedActions(thingName);
  const authorization = await settle(() =>
    testAuthorization({
      certificateArn: arn,
      clientId: thingName,
      authInfos: planned.map((p) => ({
        actionType: p.action,
        resources: [resourceArn(parts.region, parts.accountId, p.resourceKind, p.name)],
      })),
    }),
  );
  return {
    id,
    arn,
    status: details.ok ? details.value.status : `unknown (${details.message})`,
    ca,
    policies,
    authorization,
  };
}

/** Everything the static part of the check looks at. */
export async function gatherCheckFacts(thingName: string): Promise<CheckFacts> {
  const thing = await settle(async () => {
    try {
      await describeThing(thingName);
      return { exists: true };
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return { exists: false };
      throw err;
    }
  });
  const endpointPromise = settle(async (): Promise<EndpointFacts> => {
    const c = await deviceConnection();
    return {
      mode: c.mode,
      endpoint: c.endpoint,
      port: c.port,
      rootCaFileName: c.rootCa.fileName,
      rootCaDescription: c.rootCa.description,
    };
  });
  if (thing.ok && !thing.value.exists) {
    return { thingName, thing, certificates: { ok: true, value: [] }, endpoint: await endpointPromise };
  }
  const certificates = await settle(async () => {
    const principals = (await listThingPrincipals(thingName)).filter((p) => /:cert\//.test(p));
    if (principals.length === 0) return [];
    const registeredCas = await settle(listRegisteredCaIds);
    return Promise.all(principals.map((arn) => certificateFacts(thingName, arn, registeredCas)));
  });
  return { thingName, thing, certificates, endpoint: await endpointPromise };
}

/** Asks the device to echo a nonce: desired.check = nonce on the classic shadow (data plane UpdateThingShadow). */
export async function requestCheckEcho(thingName: string, nonce: string): Promise<void> {
  const config = readIotConfig();
  try {
    const client = await getDataPlaneClient(config);
    await client.send(
      new UpdateThingShadowCommand({
        thingName,
        payload: new TextEncoder().encode(JSON.stringify({ state: { desired: { check: nonce } } })),
      }),
    );
  } catch (err) {
    throw toAppError(err, { resource: `shadow of "${thingName}"`, endpoint: describeDataEndpoint(config) });
  }
}

/** reported.check of the classic shadow, or undefined (no shadow, or no such field). */
export async function reportedCheck(thingName: string): Promise<string | undefined> {
  const config = readIotConfig();
  try {
    const client = await getDataPlaneClient(config);
    const out = await client.send(new GetThingShadowCommand({ thingName }));
    const doc = JSON.parse(new TextDecoder().decode(out.payload)) as { state?: { reported?: { check?: unknown } } };
    const check = doc.state?.reported?.check;
    return typeof check === 'string' ? check : undefined;
  } catch (err) {
    const mapped = toAppError(err, { resource: `shadow of "${thingName}"`, endpoint: describeDataEndpoint(config) });
    if (mapped.code === 'not_found') return undefined;
    throw mapped;
  }
}
