import { type IoTClient, ListCertificatesCommand, ListThingsCommand } from '@aws-sdk/client-iot';

/**
 * What is in the account, read with the raw SDK page by page (never through the code under test), so tests can
 * say "every device exactly once, nothing left over" about what they made.
 */

/** The names of every thing whose name starts with `prefix`, sorted. */
export async function thingNamesWithPrefix(iot: IoTClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await iot.send(new ListThingsCommand({ nextToken, maxResults: 250 }));
    names.push(...(page.things ?? []).flatMap((t) => (t.thingName?.startsWith(prefix) ? [t.thingName] : [])));
    nextToken = page.nextToken;
  } while (nextToken);
  return names.sort();
}

/** The id of every certificate in the account, sorted. */
export async function allCertificateIds(iot: IoTClient): Promise<string[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iot.send(new ListCertificatesCommand({ marker, pageSize: 250 }));
    ids.push(...(page.certificates ?? []).flatMap((c) => (c.certificateId ? [c.certificateId] : [])));
    marker = page.nextMarker;
  } while (marker);
  return ids.sort();
}
