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
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeThingTypeCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
  ListThingGroupsCommand,
  ListThingPrincipalsCommand,
  ListThingTypesCommand,
} from '@aws-sdk/client-iot';

import { getIotClient } from './client';
import { describeControlEndpoint, readIotConfig } from './config';
import { toAppError } from './errors';

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

const isName = (err: unknown, name: string) =>
  typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;

function context(resource: string) {
  return { resource, endpoint: describeControlEndpoint(readIotConfig()) };
}

async function send<T>(resource: string, run: (client: ReturnType<typeof getIotClient>) => Promise<T>): Promise<T> {
  const config = readIotConfig();
  try {
    return await run(getIotClient(config));
  } catch (err) {
    throw toAppError(err, { resource, endpoint: describeControlEndpoint(config) });
  }
}

// ---------------------------------------------------------------- things

/** DescribeThing: true when a thing of that name exists. */
export async function thingExists(thingName: string): Promise<boolean> {
  try {
    await getIotClient().send(new DescribeThingCommand({ thingName }));
    return true;
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return false;
    throw toAppError(err, context(`thing "${thingName}"`));
  }
}

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
  return send(`thing "${input.thingName}"`, async (client) => {
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
  await send(`thing group "${thingGroupName}"`, (client) =>
    client.send(new AddThingToThingGroupCommand({ thingName, thingGroupName })),
  );
}

/** DeleteThing; a thing already gone counts as deleted. */
export async function deleteThing(thingName: string): Promise<void> {
  try {
    await getIotClient().send(new DeleteThingCommand({ thingName }));
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return;
    throw toAppError(err, context(`thing "${thingName}"`));
  }
}

export async function listThingTypeNames(): Promise<string[]> {
  return send('thing type list', async (client) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingTypesCommand({ nextToken, maxResults: 250 }));
      for (const t of out.thingTypes ?? []) {
        if (t.thingTypeName && !t.thingTypeMetadata?.deprecated) names.push(t.thingTypeName);
      }
      nextToken = out.nextToken || undefined;
    } while (nextToken && names.length < 1000);
    return names.sort((a, b) => a.localeCompare(b));
  });
}

export async function listThingGroupNames(): Promise<string[]> {
  return send('thing group list', async (client) => {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingGroupsCommand({ nextToken, maxResults: 250 }));
      for (const g of out.thingGroups ?? []) if (g.groupName) names.push(g.groupName);
      nextToken = out.nextToken || undefined;
    } while (nextToken && names.length < 1000);
    return names.sort((a, b) => a.localeCompare(b));
  });
}

// ---------------------------------------------------------------- certificates

/** CreateCertificateFromCsr, active: AWS signs the CSR's public key; the private key never leaves the device. */
export async function createCertificateFromCsr(csrPem: string): Promise<IssuedCertificate> {
  return send('certificate', async (client) => {
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
  return send('certificate', async (client) => {
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
  return send(`policy "${policyName}"`, async (client) => {
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
  return send('policy list', async (client) => {
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
  await send(`policy "${policyName}"`, (client) => client.send(new AttachPolicyCommand({ policyName, target })));
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
  return send('certificate policies', async (client) => {
    const out = await client.send(new ListAttachedPoliciesCommand({ target, pageSize: 100, recursive: false }));
    return (out.policies ?? []).flatMap((p) => (p.policyName ? [p.policyName] : []));
  });
}

// ---------------------------------------------------------------- principals

export async function attachThingPrincipal(thingName: string, principal: string): Promise<void> {
  await send(`thing "${thingName}"`, (client) => client.send(new AttachThingPrincipalCommand({ thingName, principal })));
}

/** DetachThingPrincipal; an already-gone thing or principal counts as detached. */
export async function detachThingPrincipal(thingName: string, principal: string): Promise<void> {
  try {
    await getIotClient().send(new DetachThingPrincipalCommand({ thingName, principal }));
  } catch (err) {
    if (isName(err, 'ResourceNotFoundException')) return;
    throw toAppError(err, context(`thing "${thingName}"`));
  }
}

/** ListThingPrincipals: the certificate ARNs attached to a thing. */
export async function listThingPrincipals(thingName: string): Promise<string[]> {
  return send(`thing "${thingName}"`, async (client) => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListThingPrincipalsCommand({ thingName, nextToken, maxResults: 250 }));
      arns.push(...(out.principals ?? []));
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    return arns;
  });
}

// ---------------------------------------------------------------- endpoint

/** DescribeEndpoint(iot:Data-ATS): the host devices connect to. It never changes for an account and region. */
export async function describeDataEndpoint(): Promise<string> {
  return send('data endpoint', async (client) => {
    const out = await client.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    if (!out.endpointAddress) throw new Error('DescribeEndpoint returned no address');
    return out.endpointAddress;
  });
}
