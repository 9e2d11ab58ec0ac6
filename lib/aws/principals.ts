import 'server-only';

import {
  AttachThingPrincipalCommand,
  DetachThingPrincipalCommand,
  ListPrincipalThingsCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';

import { type CallOptions, callIot, isNotFound, orIfNotFound } from './call';

/**
 * The links between things and their principals (X.509 certificates, or IAM / Cognito identities): one typed
 * function per AWS operation.
 */

const CERT_ARN = /^arn:aws[a-z-]*:iot:[^:]*:[^:]*:cert\/([0-9a-f]{64})$/;

/** The certificate id inside a certificate ARN, or undefined for other principals (IAM, Cognito). */
export function certificateIdFromArn(arn: string): string | undefined {
  return CERT_ARN.exec(arn)?.[1];
}

/** Principal ARNs attached to a thing (ListThingPrincipals, paged through). A missing thing is `not_found`. */
export async function listThingPrincipals(thingName: string, options: CallOptions = {}): Promise<string[]> {
  return callIot(
    `thing "${thingName}"`,
    async (client) => {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(new ListThingPrincipalsCommand({ thingName, nextToken, maxResults: 250 }));
        arns.push(...(out.principals ?? []));
        nextToken = out.nextToken || undefined;
      } while (nextToken);
      return arns;
    },
    options,
  );
}

/** AttachThingPrincipal. */
export async function attachThingPrincipal(
  thingName: string,
  principal: string,
  options: CallOptions = {},
): Promise<void> {
  await callIot(
    `thing "${thingName}"`,
    (client) => client.send(new AttachThingPrincipalCommand({ thingName, principal })),
    options,
  );
}

/**
 * DetachThingPrincipal. Already detached, or the thing or principal gone (not found), counts as done: every
 * caller (thing deletion, certificate clean-up, onboarding undo) wants the link gone, not the reason.
 */
export async function detachThingPrincipal(
  thingName: string,
  principal: string,
  options: CallOptions = {},
): Promise<void> {
  try {
    await callIot(
      `thing "${thingName}"`,
      (client) => client.send(new DetachThingPrincipalCommand({ thingName, principal })),
      options,
    );
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
}

/** Things a principal (a certificate ARN) is attached to (ListPrincipalThings, paged); [] when it is gone. */
export async function listPrincipalThings(principal: string): Promise<string[]> {
  return orIfNotFound(
    () =>
      callIot('certificate', async (client) => {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new ListPrincipalThingsCommand({ principal, nextToken, maxResults: 250 }));
          names.push(...(out.things ?? []));
          nextToken = out.nextToken || undefined;
        } while (nextToken);
        return names;
      }),
    [],
  );
}
