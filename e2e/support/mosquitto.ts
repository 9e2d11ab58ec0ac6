import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Device-side helpers: a client nobody here wrote (Eclipse Mosquitto's mosquitto_pub, OpenSSL's TLS) and
 * credentials made with the openssl CLI. Files go to a temp dir outside the working tree, removed after.
 */

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `e2e-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface DeviceFiles {
  rootCa: string;
  cert: string;
  key: string;
}

/** Writes what a device holds: root CA, certificate, and the private key (mode 0600). */
export async function writeDeviceFiles(
  dir: string,
  pems: { rootCaPem: string; certPem: string; keyPem: string },
): Promise<DeviceFiles> {
  const files = {
    rootCa: path.join(dir, 'root-ca.pem'),
    cert: path.join(dir, 'certificate.pem.crt'),
    key: path.join(dir, 'private.pem.key'),
  };
  await writeFile(files.rootCa, pems.rootCaPem);
  await writeFile(files.cert, pems.certPem);
  await writeFile(files.key, pems.keyPem, { mode: 0o600 });
  await chmod(files.key, 0o600);
  return files;
}

export interface PubResult {
  code: number | null;
  output: string;
}

/** `mosquitto_pub --cafile --cert --key -h -p -i -t -m -q 1`; resolves with its exit code (null if killed on timeout). */
export function mosquittoPub(opts: {
  files: DeviceFiles;
  host: string;
  port: number;
  clientId: string;
  topic: string;
  message?: string;
  timeoutMs?: number;
}): Promise<PubResult> {
  const args = [
    '--cafile',
    opts.files.rootCa,
    '--cert',
    opts.files.cert,
    '--key',
    opts.files.key,
    '-h',
    opts.host,
    '-p',
    String(opts.port),
    '-i',
    opts.clientId,
    '-t',
    opts.topic,
    '-m',
    opts.message ?? 'hi',
    '-q',
    '1',
  ];
  return new Promise((resolve) => {
    const child = spawn('mosquitto_pub', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A self-signed EC P-256 device certificate and its key, made with the openssl CLI. */
export async function opensslSelfSigned(
  dir: string,
  commonName: string,
): Promise<{ certPem: string; keyPem: string; keyFile: string }> {
  const keyFile = path.join(dir, 'own.key');
  const certFile = path.join(dir, 'own.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
  ]);
  return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8'), keyFile };
}

/** A CSR and its EC P-256 key, made with the openssl CLI (as on a device). */
export async function opensslCsr(
  dir: string,
  commonName: string,
): Promise<{ csrPem: string; keyPem: string; csrFile: string }> {
  const keyFile = path.join(dir, 'device.key');
  const csrFile = path.join(dir, 'device.csr');
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csrFile,
    '-subj',
    `/CN=${commonName}`,
  ]);
  return { csrPem: await readFile(csrFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8'), csrFile };
}
