/**
 * Signing a fleet's device certificates in a Web Worker, so the page stays responsive: the CA key (PEM, read from
 * a file in the page) comes in a message, the zip goes back as a transferred buffer, nothing touches the network.
 * The same `buildFleetZip` runs on the main thread when a worker cannot start, and in Node for tests.
 *
 * The zip: `<ca-name>/` … one folder per device from lib/bundle's bundleFiles (certificate chain, private key,
 * root CA of the endpoint, README and device-family configs), plus the CA certificate, a manifest.csv and a
 * README.txt. Stored, not deflated: for 1,000 devices DEFLATE (even level 1) took ~8 s in Chromium against
 * ~1 s stored, for a zip half the size (14 vs 28 MB; the PEMs are base64 and barely compress anyway).
 */
import { type BundleFile, bundleFiles } from '../bundle/bundle';
import type { DeviceConnection } from '../bundle/connection';
import { zipBundle } from '../bundle/zip';
import { signDeviceCertificates, type IssuedCertificate } from './ca-issue';
import { loadCa } from './ca-load';
import { toCsv } from '../csv/csv';

export interface FleetRequest {
  caCertificatePem: string;
  caPrivateKeyPem: string;
  names: string[];
  validityDays?: number;
  /** Where devices connect and what they trust (from the server: endpoint, port, root CA). */
  connection: DeviceConnection;
  /** The CA's id in AWS IoT, for the README. */
  caCertificateId?: string;
}

export type FleetProgress = { phase: 'signing' | 'zipping'; done: number; total: number };

export interface FleetResult {
  zip: Uint8Array;
  count: number;
  signMs: number;
  totalMs: number;
  /** name,certificateId for the page's summary (first few). */
  sample: { name: string; certificateId: string }[];
}

export type WorkerRequest = { type: 'sign'; request: FleetRequest };
export type WorkerResponse =
  | { type: 'progress'; progress: FleetProgress }
  | { type: 'done'; result: FleetResult }
  | { type: 'error'; message: string; field?: string };

function manifest(devices: readonly IssuedCertificate[]): string {
  return toCsv([
    ['thing_name', 'certificate_id', 'serial_number', 'not_after', 'folder'],
    ...devices.map((d) => [d.commonName, d.certificateId, d.serialNumber, d.notAfter.toISOString(), d.commonName]),
  ]);
}

function readme(req: FleetRequest, count: number): string {
  return [
    `Device certificates signed in the browser by your CA${req.caCertificateId ? ` (AWS IoT CA id ${req.caCertificateId})` : ''}.`,
    '',
    `${count} devices, one folder each. No device was registered with AWS IoT: each registers itself the first`,
    'time it connects (just-in-time registration / provisioning through the CA).',
    '',
    '- certificate.pem.crt holds the device certificate followed by the CA certificate. AWS IoT wants that chain',
    "  on a device's first connection through a registered CA.",
    "- private.pem.key is the device's private key. It exists only in this zip: keep it secret.",
    `- ${req.connection.rootCa.fileName} is the root CA of the endpoint ${req.connection.endpoint}:${req.connection.port}.`,
    '- ca-certificate.pem is your CA certificate (public). Its private key is NOT in this zip.',
    '- manifest.csv lists every device with its certificate id (what AWS IoT will call the certificate).',
    '',
    'With JITP (a provisioning template on the CA) the first connection makes the thing and policy and succeeds.',
    'With JITR only (no template) the first connection is refused and the certificate waits as PENDING_ACTIVATION:',
    'activate it in the dashboard (CAs & JITP), then the device connects.',
    '',
  ].join('\n');
}

/** Signs every device and builds the zip. `report` is called after each batch. */
export async function buildFleetZip(
  req: FleetRequest,
  report: (p: FleetProgress) => void = () => {},
): Promise<FleetResult> {
  const t0 = performance.now();
  const ca = await loadCa(req.caCertificatePem, req.caPrivateKeyPem);
  const total = req.names.length;
  const devices = await signDeviceCertificates(ca, req.names, {
    validityDays: req.validityDays,
    concurrency: 50,
    onProgress: ({ done }) => report({ phase: 'signing', done, total }),
  });
  const signMs = performance.now() - t0;

  const files: BundleFile[] = [
    { path: 'README.txt', content: readme(req, total) },
    { path: 'ca-certificate.pem', content: ca.certificatePem },
    { path: 'manifest.csv', content: manifest(devices) },
  ];
  const step = Math.max(1, Math.floor(total / 20));
  devices.forEach((d, i) => {
    const bundle = bundleFiles({
      thingName: d.commonName,
      endpoint: req.connection.endpoint,
      port: req.connection.port,
      mode: req.connection.mode,
      region: req.connection.region,
      certificateId: d.certificateId,
      certificatePem: d.certificatePem + ca.certificatePem,
      privateKeyPem: d.privateKeyPem,
      rootCa: req.connection.rootCa,
    });
    for (const f of bundle) files.push(f);
    if ((i + 1) % step === 0 || i + 1 === total) report({ phase: 'zipping', done: i + 1, total });
  });
  // Stored, not deflated (see the top of this file).
  const zip = zipBundle(files, { level: 0 });
  return {
    zip,
    count: total,
    signMs,
    totalMs: performance.now() - t0,
    sample: devices.slice(0, 5).map((d) => ({ name: d.commonName, certificateId: d.certificateId })),
  };
}

// Worker glue: only when this module is a dedicated worker's entry.
declare const WorkerGlobalScope: { new (): unknown } | undefined;
const inWorker =
  typeof WorkerGlobalScope !== 'undefined' && typeof self !== 'undefined' && self instanceof WorkerGlobalScope;

if (inWorker) {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
    postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  };
  scope.onmessage = (e) => {
    if (e.data?.type !== 'sign') return;
    buildFleetZip(e.data.request, (progress) => scope.postMessage({ type: 'progress', progress }))
      .then((result) => scope.postMessage({ type: 'done', result }, [result.zip.buffer as ArrayBuffer]))
      .catch((err: unknown) => {
        const field =
          typeof err === 'object' && err !== null && 'field' in err
            ? String((err as { field: unknown }).field)
            : undefined;
        scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err), field });
      });
  };
}
