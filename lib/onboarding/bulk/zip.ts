import { bundleFiles, bundleFolderName, type BundleFile } from '../../bundle/bundle';
import type { DeviceConnection } from '../../bundle/connection';
import { zipBundle } from '../../bundle/zip';
import { defaultPublishTopic, publishTopicFromPolicy } from '../../policies/publish-topic';
import { toCsv } from '../../csv/csv';

/**
 * The bulk job's download, built in the browser: one folder per onboarded device (lib/bundle's bundleFiles:
 * certificate, the private key made in this browser, root CA, README, device-family configs, each naming the
 * topic the job's policy lets that device publish to) and a `manifest.csv` listing every device of the job with
 * its certificate, status and folder. Pure.
 */
export interface BulkZipDevice {
  thingName: string;
  status: string;
  certificateId?: string;
  certificateArn?: string;
  certificatePem?: string;
  privateKeyPem?: string;
  publicKeyPem?: string;
  reason?: string;
}

/** The policy every certificate of the job got: its name, and its document when it could be read. */
export interface BulkPolicy {
  name?: string;
  document?: string;
}

export const MANIFEST_HEADER = ['thing_name', 'certificate_id', 'certificate_arn', 'status', 'folder', 'reason'];

export function bulkZipFiles(
  devices: readonly BulkZipDevice[],
  connection: DeviceConnection,
  policy: BulkPolicy = {},
): BundleFile[] {
  const files: BundleFile[] = [];
  const manifest: string[][] = [MANIFEST_HEADER];
  for (const d of devices) {
    let folder = '';
    if (d.status === 'done' && d.certificatePem && d.certificateId) {
      folder = bundleFolderName(d.thingName);
      files.push(
        ...bundleFiles({
          thingName: d.thingName,
          endpoint: connection.endpoint,
          port: connection.port,
          mode: connection.mode,
          region: connection.region,
          certificateId: d.certificateId,
          certificatePem: d.certificatePem,
          ...(d.privateKeyPem ? { privateKeyPem: d.privateKeyPem } : {}),
          ...(d.publicKeyPem ? { publicKeyPem: d.publicKeyPem } : {}),
          rootCa: connection.rootCa,
          ...(policy.name ? { policyName: policy.name } : {}),
          topics: {
            telemetry:
              (policy.document && publishTopicFromPolicy(policy.document, d.thingName)) ||
              defaultPublishTopic(d.thingName),
          },
        }),
      );
    }
    manifest.push([d.thingName, d.certificateId ?? '', d.certificateArn ?? '', d.status, folder, d.reason ?? '']);
  }
  files.push({ path: 'manifest.csv', content: toCsv(manifest) });
  return files;
}

export function buildBulkZip(
  devices: readonly BulkZipDevice[],
  connection: DeviceConnection,
  policy: BulkPolicy = {},
): Uint8Array {
  return zipBundle(bulkZipFiles(devices, connection, policy));
}

/** `<job-name>-devices.zip`, safe as a file name. */
export function bulkZipFileName(jobName: string): string {
  const base =
    jobName
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'bulk';
  return `${base}-devices.zip`;
}
