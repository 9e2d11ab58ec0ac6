import fs from 'node:fs';
import path from 'node:path';

import { bundleFiles } from '../bundle/bundle';
import type { ClaimBundle } from '../bundle/claim-bundle';
import { type DeviceBundle, deviceFromFolder } from './bundle';
import type { ProvisionedDevice } from './provision';

/**
 * What a provisioned device keeps on its own disk: its certificate, its private key (0600, readable by the
 * device's user only), the root CA and config/device.json, as a credential bundle folder `<out>/<thing>/`, so
 * that `npm run device -- <out>/<thing>` connects with it again later. This is the device's storage, not the
 * dashboard's: the dashboard never sees the key.
 */
export function keepCredentials(outDir: string, device: ProvisionedDevice, claim: ClaimBundle): DeviceBundle {
  const files = bundleFiles({
    thingName: device.thingName,
    certificateId: device.certificateId,
    certificatePem: device.certificatePem,
    privateKeyPem: device.privateKeyPem,
    mode: claim.config.mode,
    region: claim.config.region,
    endpoint: claim.config.endpoint,
    port: claim.config.port,
    rootCa: {
      fileName: path.basename(claim.config.files.rootCa),
      pem: claim.rootCaPem,
      description: 'the root CA of the claim bundle',
    },
  });
  for (const file of files) {
    const target = path.join(outDir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    const mode = file.mode ?? (file.executable ? 0o755 : 0o644);
    fs.writeFileSync(target, file.content, { mode });
    // writeFileSync's mode applies only when it creates the file: an earlier run's key stays private too.
    fs.chmodSync(target, mode);
  }
  const folder = path.join(outDir, files[0]!.path.split('/')[0]!);
  return deviceFromFolder(folder, (rel) => {
    try {
      return fs.readFileSync(path.join(folder, rel), 'utf8');
    } catch {
      return undefined;
    }
  });
}
