import 'server-only';

import { describeCaCertificate, listRegisteredCaIds } from '@/lib/aws/cas';
import { describeCertificate, issuerKind } from '@/lib/aws/certificates';
import { readIotConfig } from '@/lib/aws/config';
import { isNotFound } from '@/lib/aws/call';
import { toAppError } from '@/lib/aws/errors';
import { listAttachedPolicies, testAuthorization } from '@/lib/aws/policy-attachments';
import { certificateIdFromArn, listThingPrincipals } from '@/lib/aws/principals';
import { describeThing } from '@/lib/aws/things';
import { deviceConnection } from '@/lib/onboarding/root-ca';

import { plannedActions, resourceArn } from './plan';
import type { CertificateFacts, CheckFacts, EndpointFacts, Lookup } from './types';

/**
 * The facts the static part of the connection check looks at, gathered from AWS: the thing, each attached
 * certificate (status, CA, policies, and what TestAuthorization says it may do), and where devices connect.
 * Each call becomes a Lookup (a value, or the reason it could not be read), so one failing call shows as one
 * uncertain step instead of breaking the page. The simulation uses AWS's own TestAuthorization in both modes
 * (the local IoT Core implements it with the broker's evaluator), so the answer is the one the broker gives.
 */

const settle = async <T>(fn: () => Promise<T>): Promise<Lookup<T>> => {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, message: toAppError(err).message };
  }
};

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
    settle(() => listAttachedPolicies(arn)),
  ]);
  let ca: CertificateFacts['ca'] = { kind: 'aws' };
  const caId = details.ok ? details.value.caCertificateId : undefined;
  // AWS's own certificates carry no CA id either (DEFAULT mode): only SNI_ONLY without one means "no CA".
  if (details.ok && issuerKind(details.value) === 'none') ca = { kind: 'none' };
  else if (caId && registeredCas.ok && registeredCas.value.has(caId)) {
    ca = { kind: 'registered', id: caId, status: await settle(async () => (await describeCaCertificate(caId)).status) };
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
      if (isNotFound(err)) return { exists: false };
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
