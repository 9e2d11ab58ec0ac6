import 'server-only';

import { orIfNotFound } from '../aws/call';
import { describeCertificate } from '../aws/certificates';
import { listThingPrincipals } from '../aws/principals';
import { thingExists } from '../aws/things';
import { bundleFileName, bundleFiles, zipBundle } from '../bundle';
import { defaultPublishTopic } from '../policies/publish-topic';
import { certificatePublishTopic } from './device-topic';
import { deviceConnection } from './root-ca';

/**
 * A later re-download of a thing's credential bundle: the first ACTIVE certificate attached to the thing,
 * the root CA, endpoint and settings, built on the server. Never a private key: AWS does not keep one (for
 * CreateKeysAndCertificate it is returned once) and this dashboard never stored one; the README says so.
 */

export type RedownloadResult =
  | { ok: true; fileName: string; zip: Uint8Array; certificateId: string }
  | { ok: false; reason: 'no_thing' | 'no_active_certificate' };

/** The first ACTIVE certificate among a thing's principals, in the order AWS lists them. */
export async function firstActiveCertificate(thingName: string) {
  const arns = (await listThingPrincipals(thingName)).filter((arn) => /:cert\/[a-f0-9]{64}$/.test(arn));
  const described = await Promise.all(
    arns.map((arn) => orIfNotFound(() => describeCertificate(arn.slice(arn.lastIndexOf('/') + 1)), undefined)),
  );
  return described.find((c) => c?.status === 'ACTIVE');
}

/**
 * The topic a thing's bundle names (what a re-download would say): the first topic a policy of its first ACTIVE
 * certificate lets it publish to, or `<thing>/telemetry` when none does. The MQTT client offers it as a preset.
 */
export async function bundleTopicOf(thingName: string): Promise<{ topic: string; policyName?: string }> {
  const certificate = await firstActiveCertificate(thingName);
  const found = certificate ? await certificatePublishTopic(certificate.arn, thingName) : {};
  return { ...found, topic: found.topic ?? defaultPublishTopic(thingName) };
}

export async function redownloadBundle(thingName: string, now = new Date()): Promise<RedownloadResult> {
  if (!(await thingExists(thingName))) return { ok: false, reason: 'no_thing' };
  const certificate = await firstActiveCertificate(thingName);
  if (!certificate) return { ok: false, reason: 'no_active_certificate' };
  const [connection, policy] = await Promise.all([
    deviceConnection(),
    certificatePublishTopic(certificate.arn, thingName),
  ]);
  const files = bundleFiles({
    thingName,
    endpoint: connection.endpoint,
    port: connection.port,
    mode: connection.mode,
    region: connection.region,
    certificateId: certificate.id,
    certificatePem: certificate.pem,
    rootCa: connection.rootCa,
    ...(policy.policyName ? { policyName: policy.policyName } : {}),
    topics: { telemetry: policy.topic ?? defaultPublishTopic(thingName) },
    createdAt: now,
  });
  return {
    ok: true,
    fileName: bundleFileName(thingName),
    zip: zipBundle(files, { mtime: now }),
    certificateId: certificate.id,
  };
}
