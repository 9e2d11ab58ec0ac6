import 'server-only';

import { mapLimited } from '../async/map-limited';
import { describeCertificate } from '../aws/certificates';
import { certificateIdFromArn, listThingPrincipals } from '../aws/principals';
import { listThings } from '../aws/things';
import { fleetStatus, type FleetStatusSource } from '../fleet/status';
import { PROVISIONED_BY_ATTRIBUTE } from './presets';

/**
 * The things a fleet provisioning template made. AWS has no "things made by template" list, so the presets mark
 * each thing with the template's name (PROVISIONED_BY_ATTRIBUTE) and this lists things by that attribute
 * (ListThings attributeName/attributeValue). "When" is the creation date of the thing's certificate (the one
 * the device got by provisioning); "connected" comes from lib/fleet (fleet indexing when on, else presence).
 */

/** The most rows the page shows; the count says when there are more. */
export const MAX_PROVISIONED_ROWS = 250;

export interface ProvisionedDevice {
  thingName: string;
  certificateId: string | undefined;
  provisionedAt: Date | undefined;
  /** undefined when no source knows (presence tracking off, indexing off). */
  connected: boolean | undefined;
  lastSeen: number | undefined;
}

export interface ProvisionedDevices {
  devices: ProvisionedDevice[];
  /** More things carry the attribute than are shown. */
  truncated: boolean;
  statusSource: FleetStatusSource | undefined;
}

async function thingsOf(templateName: string): Promise<{ names: string[]; truncated: boolean }> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listThings({
      attributeName: PROVISIONED_BY_ATTRIBUTE,
      attributeValue: templateName,
      maxResults: 250,
      nextToken,
    });
    names.push(...page.things.map((t) => t.name));
    nextToken = page.nextToken;
  } while (nextToken && names.length < MAX_PROVISIONED_ROWS);
  return {
    names: names.slice(0, MAX_PROVISIONED_ROWS),
    truncated: Boolean(nextToken) || names.length > MAX_PROVISIONED_ROWS,
  };
}

async function certificateOf(thingName: string): Promise<{ id: string | undefined; createdAt: Date | undefined }> {
  const principals = await listThingPrincipals(thingName);
  const ids = principals.map(certificateIdFromArn).filter((id): id is string => Boolean(id));
  if (ids.length === 0) return { id: undefined, createdAt: undefined };
  const certs = await Promise.all(ids.map((id) => describeCertificate(id)));
  // The newest certificate is the one provisioning gave it (a re-provisioned device gets another).
  const newest = certs.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  return { id: newest?.id, createdAt: newest?.createdAt };
}

export async function provisionedDevices(templateName: string): Promise<ProvisionedDevices> {
  const { names, truncated } = await thingsOf(templateName);
  const [certificates, status] = await Promise.all([
    mapLimited(names, 8, certificateOf),
    fleetStatus(names).catch(() => undefined),
  ]);
  const devices = names.map((thingName, i) => {
    const presence = status?.presence[thingName];
    return {
      thingName,
      certificateId: certificates[i]?.id,
      provisionedAt: certificates[i]?.createdAt,
      connected: status ? presence?.status === 'connected' : undefined,
      lastSeen: presence?.lastSeen,
    };
  });
  devices.sort((a, b) => (b.provisionedAt?.getTime() ?? 0) - (a.provisionedAt?.getTime() ?? 0));
  return { devices, truncated, statusSource: status?.source };
}
