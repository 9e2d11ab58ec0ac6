import { saveBytes } from '@/components/onboarding/download';
import type { BundleFile } from '@/lib/bundle/bundle';
import { zipBundle } from '@/lib/bundle/zip';
import { certificateMatchesPublicKey } from '@/lib/onboarding/bulk/csr-match';
import { noteDownload, readKeys } from '@/lib/onboarding/bulk/key-vault';
import type { JobView } from '@/lib/onboarding/bulk/types';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { bulkZipFileName, bulkZipFiles, type BulkPolicy } from '@/lib/onboarding/bulk/zip';

/**
 * A bulk job's credentials as files, built in this browser: the certificates from the server (public), the keys
 * from this browser's vault, each key checked against its certificate first. Saved as one zip, or written
 * folder by folder into a directory the operator picks (File System Access API, where the browser has it). Each
 * save is recorded in the vault, so the operator can then confirm it and let the keys go.
 */

interface JobCertificate {
  thingName: string;
  certificateId: string;
  certificateArn: string;
  certificatePem: string;
}

export interface JobFiles {
  files: BundleFile[];
  /** Things whose private keys are in the files. */
  withKeys: string[];
  folders: number;
}

export async function jobFiles(jobId: string, connection: DeviceConnection, policy: BulkPolicy): Promise<JobFiles> {
  const res = await fetch(`/api/bulk-jobs/${jobId}?certificates=1`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`The server answered ${res.status}.`);
  const body = (await res.json()) as JobView & { certificates: JobCertificate[] };
  const certs = new Map(body.certificates.map((c) => [c.thingName, c]));
  const keys = await readKeys(jobId);
  const withKeys: string[] = [];
  const mismatched: string[] = [];
  const devices = body.devices.map((d) => {
    const c = certs.get(d.thingName);
    let k = keys.get(d.thingName);
    if (c && k && !certificateMatchesPublicKey(c.certificatePem, k.publicKeyPem)) {
      mismatched.push(d.thingName);
      k = undefined;
    }
    if (c && k && d.status === 'done') withKeys.push(d.thingName);
    return {
      thingName: d.thingName,
      status: d.status,
      ...(c
        ? { certificateId: c.certificateId, certificateArn: c.certificateArn, certificatePem: c.certificatePem }
        : {}),
      ...(k ? { privateKeyPem: k.privateKeyPem, publicKeyPem: k.publicKeyPem } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
    };
  });
  if (mismatched.length) {
    throw new Error(
      `The key held for ${mismatched.slice(0, 3).join(', ')}${mismatched.length > 3 ? ` and ${mismatched.length - 3} more` : ''} does not match its certificate; nothing was saved and no key was deleted.`,
    );
  }
  return { files: bulkZipFiles(devices, connection, policy), withKeys, folders: body.certificates.length };
}

/** One zip of the whole job; returns what it held. */
export async function downloadJobZip(
  job: { id: string; name: string },
  connection: DeviceConnection,
  policy: BulkPolicy,
): Promise<JobFiles> {
  const made = await jobFiles(job.id, connection, policy);
  saveBytes(zipBundle(made.files), bulkZipFileName(job.name), 'application/zip');
  await noteDownload(job.id, made.withKeys);
  return made;
}

interface DirectoryHandle {
  getDirectoryHandle(name: string, opts: { create: boolean }): Promise<DirectoryHandle>;
  getFileHandle(
    name: string,
    opts: { create: boolean },
  ): Promise<{ createWritable(): Promise<{ write(data: BlobPart): Promise<void>; close(): Promise<void> }> }>;
}

type WithPicker = Window & { showDirectoryPicker?: (opts: { mode: 'readwrite' }) => Promise<DirectoryHandle> };

/** Whether this browser can write a folder of files (Chromium's File System Access API). */
export function canSaveToFolder(): boolean {
  return typeof window !== 'undefined' && typeof (window as WithPicker).showDirectoryPicker === 'function';
}

/** Writes every device folder and the manifest into a directory the operator picks; returns what it held. */
export async function saveJobToFolder(
  job: { id: string },
  connection: DeviceConnection,
  policy: BulkPolicy,
): Promise<JobFiles> {
  const root = await (window as WithPicker).showDirectoryPicker!({ mode: 'readwrite' });
  const made = await jobFiles(job.id, connection, policy);
  const folders = new Map<string, DirectoryHandle>([['', root]]);
  const folder = async (path: string): Promise<DirectoryHandle> => {
    const known = folders.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    const parent = await folder(slash === -1 ? '' : path.slice(0, slash));
    const made = await parent.getDirectoryHandle(path.slice(slash + 1), { create: true });
    folders.set(path, made);
    return made;
  };
  for (const file of made.files) {
    const slash = file.path.lastIndexOf('/');
    const dir = await folder(slash === -1 ? '' : file.path.slice(0, slash));
    const handle = await dir.getFileHandle(file.path.slice(slash + 1), { create: true });
    const out = await handle.createWritable();
    await out.write(typeof file.content === 'string' ? file.content : new Uint8Array(file.content));
    await out.close();
  }
  await noteDownload(job.id, made.withKeys);
  return made;
}
