/** Credential bundle composition: see bundle.ts (files), zip.ts (archive), safe-file-name.ts. */
export {
  bundleFiles,
  bundleFileName,
  bundleFolderName,
  BUNDLE_FILE_NAMES,
  type BundleFile,
  type BundleInput,
} from './bundle';
export type { DeviceConnection, RootCaFile } from './connection';
export { zipBundle } from './zip';
export { safeFileName } from './safe-file-name';
export { AMAZON_ROOT_CA_1_PEM, AMAZON_ROOT_CA_1_FILE_NAME, amazonRootCa } from './amazon-root-ca';
