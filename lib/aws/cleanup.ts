import 'server-only';

import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  UpdateCertificateCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { toAppError } from './errors';

/**
 * Shared certificate clean-up, used by the Certificates pages, thing deletion and onboarding rollback.
 * AWS refuses to delete a certificate that is ACTIVE (406 CertificateStateException) or still attached to
 * a thing or a policy (409 DeleteConflictException), so the order is fixed: detach every policy, detach
 * it from every thing, set it INACTIVE, delete.
 */

const isNotFound = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ResourceNotFoundException';

const isDeleteConflict = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'DeleteConflictException';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listAllPrincipalThings(client: IoTClient, certificateArn: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(
      new ListPrincipalThingsCommand({ principal: certificateArn, nextToken, maxResults: 250 }),
    );
    names.push(...(out.things ?? []));
    nextToken = out.nextToken || undefined;
  } while (nextToken);
  return names;
}

async function listAllAttachedPolicies(client: IoTClient, certificateArn: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const out = await client.send(
      new ListAttachedPoliciesCommand({ target: certificateArn, marker, pageSize: 250, recursive: false }),
    );
    for (const p of out.policies ?? []) if (p.policyName) names.push(p.policyName);
    marker = out.nextMarker || undefined;
  } while (marker);
  return names;
}

/** Things this certificate is attached to (ListPrincipalThings). */
export async function thingsOfCertificate(certificateArn: string): Promise<string[]> {
  const config = readIotConfig();
  try {
    return await listAllPrincipalThings(getIotClient(config), certificateArn);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw toAppError(err, { resource: 'certificate', endpoint: describeControlEndpoint(config) });
  }
}

/** AWS's order: detach every policy, detach from every thing, set INACTIVE, delete. Idempotent (already-gone is fine). */
export async function deleteCertificateFully(
  certificateId: string,
): Promise<{ detachedPolicies: string[]; detachedThings: string[] }> {
  const config = readIotConfig();
  const client = getIotClient(config);
  const detachedPolicies: string[] = [];
  const detachedThings: string[] = [];
  try {
    let description;
    try {
      description = (await client.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription;
    } catch (err) {
      if (isNotFound(err)) return { detachedPolicies, detachedThings };
      throw err;
    }
    const arn = description?.certificateArn;
    if (!arn) return { detachedPolicies, detachedThings };

    for (const policyName of await listAllAttachedPolicies(client, arn)) {
      try {
        await client.send(new DetachPolicyCommand({ policyName, target: arn }));
        detachedPolicies.push(policyName);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }

    for (const thingName of await listAllPrincipalThings(client, arn)) {
      try {
        await client.send(new DetachThingPrincipalCommand({ thingName, principal: arn }));
        detachedThings.push(thingName);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }

    // Only ACTIVE blocks deletion. A REVOKED certificate cannot change status (and need not), and the other
    // statuses (INACTIVE, REGISTER_INACTIVE, PENDING_ACTIVATION) are deletable as they are.
    if (description?.status === 'ACTIVE') {
      await client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    }

    // On AWS DetachThingPrincipal is asynchronous: for a short while DeleteCertificate may still see the
    // attachment and answer DeleteConflictException. Retry a few times before giving up.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new DeleteCertificateCommand({ certificateId }));
        break;
      } catch (err) {
        if (isNotFound(err)) break;
        if (isDeleteConflict(err) && attempt < 4) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw err;
      }
    }
    return { detachedPolicies, detachedThings };
  } catch (err) {
    throw toAppError(err, {
      resource: `certificate ${certificateId.slice(0, 10)}…`,
      endpoint: describeControlEndpoint(config),
    });
  }
}
