/**
 * What the mosquitto interop tests share: whether Eclipse Mosquitto's command-line clients are installed (CI must
 * have them; a laptop without them skips with the command that installs them), and a device's files written as an
 * operator would download them, as mosquitto's TLS flags.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DeviceCredentials } from './devices';

const available = await promisify(execFile)('mosquitto_pub', ['--help']).then(
  () => true,
  (err: { code?: number | string }) => err.code !== 'ENOENT',
);

/** The `skip` option of a mosquitto describe block. */
export const mosquittoSkip =
  !available && !process.env.CI ? 'mosquitto-clients is not installed (apt-get install mosquitto-clients)' : false;

/** Writes the device's certificate, key (0600) and root CA under `dir`; returns `--cafile --cert --key`. */
export function mosquittoTlsFiles(dir: string, creds: DeviceCredentials): string[] {
  const base = path.join(dir, creds.thingName);
  fs.writeFileSync(`${base}.cert.pem`, creds.certPem);
  fs.writeFileSync(`${base}.private.key`, creds.keyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'root-ca.pem'), creds.caPem);
  return ['--cafile', path.join(dir, 'root-ca.pem'), '--cert', `${base}.cert.pem`, '--key', `${base}.private.key`];
}
