import 'server-only';

import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeletePolicyCommand,
  DescribeCertificateCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  DetachPolicyCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iot';

import { awsErrorName, callIot } from './call';
import { getIotClient } from './client';
import { dataAtsEndpoint } from './endpoint';
import { describeControlEndpoint, readIotConfig } from './config';
import { toAppError } from './errors';
import {
  deleteThing as deleteThingIfPresent,
  detachThingPrincipal,
  listThingGroups,
  listThingPrincipals,
  listThingTypes,
  thingExists,
} from './things';

// The registry helpers onboarding shares with the Things pages, under the names its steps use.
export { detachThingPrincipal, listThingPrincipals, thingExists };
/** Thing groups a new thing may join. */
export const listThingGroupNames = listThingGroups;
/** DeleteThing; a thing already gone counts as deleted (AWS answers success for it). */
export const deleteThing = (thingName: string) => deleteThingIfPresent(thingName);
/** DescribeEndpoint(iot:Data-ATS): the host devices connect to. */
export const describeDataEndpoint = () => dataAtsEndpoint();

/**
 * The AWS IoT calls a device onboarding needs, one typed function per operation, and their undo calls.
 * Onboarding order (AWS's): CreateThing, a certificate (CreateCertificateFromCsr, CreateKeysAndCertificate,
 * RegisterCertificate / RegisterCertificateWithoutCA), CreatePolicy, AttachPolicy, AttachThingPrincipal;
 * undo in reverse. Nothing here logs: CreateKeysAndCertificate's answer holds a private key.
 */

export interface ThingRef {
  name: string;
  arn: string;
}

export interface IssuedCertificate {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
}

/** CreateKeysAndCertificate's answer: the one moment AWS hands out the private key. */
export interface IssuedKeysAndCertificate extends IssuedCertificate {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface NamedItem {
  name: string;
  arn: string | undefined;
}

export interface CertificateSummary {
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
  status: string;
  createdAt: Date | undefined;
}

const isName = (err: unknown, name: string) => awsErrorName(err) === name;

function context(resource: string) {
  return { resource, endpoint: describeControlEndpoint(readIotConfig()) };
}

// ---------------------------------------------------------------- things

export async function thingTypeExists(thingTypeName: string): Promise<boolean> {
  try {
    await getIotClient().send(new DescribeThingTypeCommand({ thingTypeName }));
    return true;
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return false;
    throw toAppError(err, context(`thing type "${thingTypeName}"`));
  }
}

export async function thingGroupExists(thingGroupName: string): Promise<boolean> {
  try {
    await getIotClient().send(new DescribeThingGroupCommand({ thingGroupName }));
    return true;
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return false;
    throw toAppError(err, context(`thing group "${thingGroupName}"`));
  }
}

export async function createThing(input: {
  thingName: string;
  thingTypeName?: string;
  attributes?: Record<string, string>;
}): Promise<ThingRef> {
  return callIot(`thing "${input.thingName}"`, async (client) => {
    const attributes = input.attributes && Object.keys(input.attributes).length ? input.attributes : undefined;
    const out = await client.send(
      new CreateThingCommand({
        thingName: input.thingName,
        thingTypeName: input.thingTypeName || undefined,
        attributePayload: attributes ? { attributes } : undefined,
      }),
    );
    return { name: out.thingName ?? input.thingName, arn: out.thingArn ?? '' };
  });
}

export async function addThingToThingGroup(thingName: string, thingGroupName: string): Promise<void> {
  await callIot(`thing group "${thingGroupName}"`, (client) =>
    client.send(new AddThingToThingGroupCommand({ thingName, thingGroupName })),
  );
}

/** Thing types a new thing may use: not deprecated. */
export async function listThingTypeNames(): Promise<string[]> {
  return (await listThingTypes()).filter((t) => !t.deprecated).map((t) => t.name);
}

// ---------------------------------------------------------------- certificates

/** CreateCertificateFromCsr, active: AWS signs the CSR's public key; the private key never leaves the device. */
export async function createCertificateFromCsr(csrPem: string): Promise<IssuedCertificate> {
  return callIot('certificate', async (client) => {
    const out = await client.send(
      new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
    );
    return {
      certificateId: out.certificateId ?? '',
      certificateArn: out.certificateArn ?? '',
      certificatePem: out.certificatePem ?? '',
    };
  });
}

/**
 * CreateKeysAndCertificate, active. Not idempotent: every call makes a new certificate, so the caller must
 * record the id the moment this returns. The private key is returned once and must not be stored or logged.
 */
export async function createKeysAndCertificate(): Promise<IssuedKeysAndCertificate> {
  return callIot('certificate', async (client) => {
    const out = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    return {
      certificateId: out.certificateId ?? '',
      certificateArn: out.certificateArn ?? '',
      certificatePem: out.certificatePem ?? '',
      privateKeyPem: out.keyPair?.PrivateKey ?? '',
      publicKeyPem: out.keyPair?.PublicKey ?? '',
    };
  });
}

/** DescribeCertificate, or undefined when AWS does not know it. */
export async function describeCertificate(certificateId: string): Promise<CertificateSummary | undefined> {
  try {
    const out = await getIotClient().send(new DescribeCertificateCommand({ certificateId }));
    const d = out.certificateDescription;
    if (!d?.certificateId || !d.certificateArn) return undefined;
    return {
      certificateId: d.certificateId,
      certificateArn: d.certificateArn,
      certificatePem: d.certificatePem ?? '',
      status: d.status ?? 'UNKNOWN',
      createdAt: d.creationDate,
    };
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return undefined;
    throw toAppError(err, context(`certificate ${certificateId.slice(0, 10)}…`));
  }
}

// ---------------------------------------------------------------- policies

export async function policyExists(policyName: string): Promise<boolean> {
  try {
    await getIotClient().send(new GetPolicyCommand({ policyName }));
    return true;
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return false;
    throw toAppError(err, context(`policy "${policyName}"`));
  }
}

export async function createPolicy(policyName: string, policyDocument: string): Promise<NamedItem> {
  return callIot(`policy "${policyName}"`, async (client) => {
    const out = await client.send(new CreatePolicyCommand({ policyName, policyDocument }));
    return { name: out.policyName ?? policyName, arn: out.policyArn };
  });
}

/** DeletePolicy; a policy already gone counts as deleted. */
export async function deletePolicy(policyName: string): Promise<void> {
  try {
    await getIotClient().send(new DeletePolicyCommand({ policyName }));
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return;
    throw toAppError(err, context(`policy "${policyName}"`));
  }
}

export async function listPolicyNames(): Promise<string[]> {
  return callIot('policy list', async (client) => {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await client.send(new ListPoliciesCommand({ marker, pageSize: 250 }));
      for (const p of out.policies ?? []) if (p.policyName) names.push(p.policyName);
      marker = out.nextMarker || undefined;
    } while (marker && names.length < 2000);
    return names.sort((a, b) => a.localeCompare(b));
  });
}

export async function attachPolicy(policyName: string, target: string): Promise<void> {
  await callIot(`policy "${policyName}"`, (client) => client.send(new AttachPolicyCommand({ policyName, target })));
}

/** DetachPolicy; an already-gone policy or target counts as detached. */
export async function detachPolicy(policyName: string, target: string): Promise<void> {
  try {
    await getIotClient().send(new DetachPolicyCommand({ policyName, target }));
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return;
    throw toAppError(err, context(`policy "${policyName}"`));
  }
}

/** The policies attached directly to a certificate (first page is plenty: AWS allows 10 per certificate). */
export async function listAttachedPolicyNames(target: string): Promise<string[]> {
  return callIot('certificate policies', async (client) => {
    const out = await client.send(new ListAttachedPoliciesCommand({ target, pageSize: 100, recursive: false }));
    return (out.policies ?? []).flatMap((p) => (p.policyName ? [p.policyName] : []));
  });
}

// ---------------------------------------------------------------- principals

export async function attachThingPrincipal(thingName: string, principal: string): Promise<void> {
  await callIot(`thing "${thingName}"`, (client) =>
    client.send(new AttachThingPrincipalCommand({ thingName, principal })),
  );
}

// ---------------------------------------------------------------- endpoint
