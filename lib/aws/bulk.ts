import 'server-only';

import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListCertificatesCommand,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';

import { readIotConfig, type IotConfig, type StaticCredentials } from './config';
import { toAppError } from './errors';
import type { JobAws } from '../jobs/types';

/**
 * The AWS IoT calls the bulk onboarding job makes, on a client of its own with the SDK's retries OFF
 * (maxAttempts 1): the job's runner owns retries (ThrottlingException with exponential backoff and jitter)
 * and its per-operation rate limits, so every attempt is one request it has paid a rate token for. Every
 * failure is thrown as an AppError (its `source` is the AWS exception name). Nothing here logs.
 */

export interface BulkClientOptions {
  endpoint?: string;
  region: string;
  credentials?: StaticCredentials;
}

const isName = (err: unknown, name: string) =>
  typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;

let cached: { key: string; client: IoTClient } | undefined;

function clientFor(config: IotConfig): IoTClient {
  const key = JSON.stringify([config.mode, config.region, config.controlEndpoint, config.credentials?.accessKeyId]);
  if (cached?.key === key) return cached.client;
  cached?.client.destroy();
  const client = newBulkClient({
    region: config.region,
    ...(config.controlEndpoint ? { endpoint: config.controlEndpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  cached = { key, client };
  return client;
}

/** A client with the SDK's own retries off: the job's runner retries (and rate-limits) every attempt itself. */
export function newBulkClient(opts: BulkClientOptions): IoTClient {
  return new IoTClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 1,
  });
}

/** The job's AWS calls on the dashboard's configuration (or on a given client: tests and the bench). */
export function bulkIotOps(client: IoTClient = clientFor(readIotConfig())): JobAws {
  const call = async <T>(resource: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toAppError(err, { resource });
    }
  };
  /** A read or an undo that treats "not there" as its own answer. */
  const orMissing = async <T>(resource: string, fn: () => Promise<T>, missing: T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isName(err, 'ResourceNotFoundException')) return missing;
      throw toAppError(err, { resource });
    }
  };

  return {
    createThing: (input) =>
      call(`thing "${input.thingName}"`, async () => {
        const attributes = Object.keys(input.attributes).length ? input.attributes : undefined;
        const out = await client.send(
          new CreateThingCommand({
            thingName: input.thingName,
            thingTypeName: input.thingTypeName || undefined,
            attributePayload: attributes ? { attributes } : undefined,
          }),
        );
        return { thingArn: out.thingArn ?? '' };
      }),
    addThingToThingGroup: (thingName, thingGroupName) =>
      call(`thing group "${thingGroupName}"`, async () => {
        await client.send(new AddThingToThingGroupCommand({ thingName, thingGroupName }));
      }),
    describeThing: (thingName) =>
      orMissing(
        `thing "${thingName}"`,
        async () => {
          const out = await client.send(new DescribeThingCommand({ thingName }));
          return { thingArn: out.thingArn ?? '' };
        },
        undefined,
      ),
    createCertificateFromCsr: (csrPem) =>
      call('certificate', async () => {
        const out = await client.send(
          new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
        );
        return {
          certificateId: out.certificateId ?? '',
          certificateArn: out.certificateArn ?? '',
          certificatePem: out.certificatePem ?? '',
        };
      }),
    listRecentCertificates: (marker) =>
      call('certificate list', async () => {
        const out = await client.send(new ListCertificatesCommand({ marker, pageSize: 250, ascendingOrder: false }));
        return {
          certificates: (out.certificates ?? []).flatMap((c) =>
            c.certificateId && c.certificateArn
              ? [{ certificateId: c.certificateId, certificateArn: c.certificateArn, createdAt: c.creationDate }]
              : [],
          ),
          ...(out.nextMarker ? { nextMarker: out.nextMarker } : {}),
        };
      }),
    describeCertificate: (certificateId) =>
      orMissing(
        `certificate ${certificateId.slice(0, 10)}…`,
        async () => {
          const d = (await client.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription;
          if (!d?.certificateId || !d.certificateArn) return undefined;
          return {
            certificateId: d.certificateId,
            certificateArn: d.certificateArn,
            certificatePem: d.certificatePem ?? '',
            status: d.status ?? 'UNKNOWN',
          };
        },
        undefined,
      ),
    attachPolicy: (policyName, certificateArn) =>
      call(`policy "${policyName}"`, async () => {
        await client.send(new AttachPolicyCommand({ policyName, target: certificateArn }));
      }),
    listAttachedPolicies: (certificateArn) =>
      orMissing('certificate policies', async () => {
        const out = await client.send(
          new ListAttachedPoliciesCommand({ target: certificateArn, pageSize: 100, recursive: false }),
        );
        return (out.policies ?? []).flatMap((p) => (p.policyName ? [p.policyName] : []));
      }, []),
    attachThingPrincipal: (thingName, certificateArn) =>
      call(`thing "${thingName}"`, async () => {
        await client.send(new AttachThingPrincipalCommand({ thingName, principal: certificateArn }));
      }),
    listThingPrincipals: (thingName) =>
      orMissing(`thing "${thingName}"`, async () => {
        const arns: string[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new ListThingPrincipalsCommand({ thingName, nextToken, maxResults: 250 }));
          arns.push(...(out.principals ?? []));
          nextToken = out.nextToken || undefined;
        } while (nextToken);
        return arns;
      }, []),
    detachThingPrincipal: (thingName, certificateArn) =>
      orMissing(
        `thing "${thingName}"`,
        async () => void (await client.send(new DetachThingPrincipalCommand({ thingName, principal: certificateArn }))),
        undefined,
      ),
    detachPolicy: (policyName, certificateArn) =>
      orMissing(
        `policy "${policyName}"`,
        async () => void (await client.send(new DetachPolicyCommand({ policyName, target: certificateArn }))),
        undefined,
      ),
    deactivateCertificate: (certificateId) =>
      orMissing(
        `certificate ${certificateId.slice(0, 10)}…`,
        async () => void (await client.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }))),
        undefined,
      ),
    deleteCertificate: (certificateId) =>
      orMissing(
        `certificate ${certificateId.slice(0, 10)}…`,
        async () => void (await client.send(new DeleteCertificateCommand({ certificateId }))),
        undefined,
      ),
    deleteThing: (thingName) =>
      orMissing(
        `thing "${thingName}"`,
        async () => void (await client.send(new DeleteThingCommand({ thingName }))),
        undefined,
      ),
  };
}
