import { shadowTopic } from '../mqtt/reserved-topics';
import type { DeviceConnection } from './connection';
import { normalizePem } from './escape';
import { safeFileName } from './safe-file-name';
import { PATHS, type BundleContext } from './templates/context';
import { CREDENTIALS_PATHS, credentialsJsSnippet, credentialsScript } from './templates/credentials-provider';
import { deviceEnv, deviceJson, microchipNote, sparkfunSettings, thinEdgeScript } from './templates/devices';
import { freertosClientCredentialHeader, freertosKeysHeader } from './templates/freertos';
import { mosquittoScript } from './templates/mosquitto';
import { readme } from './templates/readme';
import { javascriptSnippet, pythonSnippet } from './templates/sdk';

/**
 * The credential bundle a device needs after onboarding: its certificate (and private key, the one time it is
 * known), the root CA, a README, and ready-made settings for the device families seen in the field. Pure: runs in
 * the browser and on the server.
 */

export interface BundleInput extends DeviceConnection {
  /** Also the MQTT client id. */
  thingName: string;
  certificateId: string;
  certificatePem: string;
  /** Absent on a later re-download: the bundle then says plainly that the key is not included and where it is. */
  privateKeyPem?: string;
  publicKeyPem?: string;
  policyName?: string;
  /** telemetry defaults to `${thingName}/telemetry`. */
  topics?: { telemetry?: string };
  /** The credentials provider (DescribeEndpoint iot:CredentialProvider) and the role alias chosen, if any. */
  credentialsProvider?: { endpoint: string; roleAlias: string };
  createdAt?: Date;
}

export interface BundleFile {
  /** Forward slashes, inside the thing's folder: `<thing>/config/device.json`. */
  path: string;
  content: string | Uint8Array;
  /** Unix mode 0755 in the zip. */
  executable?: boolean;
  /** Unix permission bits in the zip (default 0644, or 0755 when executable): the private key is 0600. */
  mode?: number;
}

/** Names inside the bundle folder (fixed, so a re-download names the key where the first download put it). */
export const BUNDLE_FILE_NAMES = {
  certificate: 'certificate.pem.crt',
  privateKey: 'private.pem.key',
  publicKey: 'public.pem.key',
} as const;

const CREDENTIALS_SUFFIX = '-credentials.zip';

/** The folder the bundle's files sit in: the thing name made safe as a file name. */
export function bundleFolderName(thingName: string): string {
  return safeFileName(thingName, { fallback: 'device' });
}

/**
 * Two things whose keys are equal would get one folder in a zip and on disk: file systems on Windows and macOS
 * ignore upper and lower case, and safe file names write `:` as `_` (the zip writer refuses such a pair). Lists
 * that become one zip (bulk jobs, the browser-signed fleet) check their names with this before anything is made.
 */
export function bundleFolderKey(thingName: string): string {
  return bundleFolderName(thingName).toLowerCase();
}

/** `<safe-thing>-credentials.zip`, at most 255 UTF-8 bytes. */
export function bundleFileName(thingName: string): string {
  return (
    safeFileName(thingName, { maxBytes: 255 - CREDENTIALS_SUFFIX.length, fallback: 'device' }) + CREDENTIALS_SUFFIX
  );
}

function check(input: BundleInput): void {
  const problems: string[] = [];
  const hasControl = (s: string) => /[\u0000-\u001f\u007f]/.test(s);
  if (typeof input.thingName !== 'string' || !input.thingName) problems.push('thingName is empty');
  else if (hasControl(input.thingName)) problems.push('thingName contains control characters');
  if (typeof input.endpoint !== 'string' || !input.endpoint.trim()) problems.push('endpoint is empty');
  else if (hasControl(input.endpoint)) problems.push('endpoint contains control characters');
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)
    problems.push('port must be an integer from 1 to 65535');
  if (input.mode !== 'aws' && input.mode !== 'local') problems.push("mode must be 'aws' or 'local'");
  if (typeof input.region !== 'string' || hasControl(input.region)) problems.push('region contains control characters');
  if (typeof input.certificateId !== 'string' || hasControl(input.certificateId))
    problems.push('certificateId contains control characters');
  if (input.policyName !== undefined && hasControl(input.policyName))
    problems.push('policyName contains control characters');
  if (!/-----BEGIN CERTIFICATE-----/.test(input.certificatePem ?? ''))
    problems.push('certificatePem is not a PEM certificate');
  if (input.privateKeyPem !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input.privateKeyPem))
    problems.push('privateKeyPem is not a PEM private key');
  if (input.publicKeyPem !== undefined && !/-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(input.publicKeyPem))
    problems.push('publicKeyPem is not a PEM public key');
  if (!input.rootCa || !/-----BEGIN CERTIFICATE-----/.test(input.rootCa.pem ?? ''))
    problems.push('rootCa.pem is not a PEM certificate');
  const telemetry = input.topics?.telemetry;
  if (telemetry !== undefined) {
    if (!telemetry) problems.push('topics.telemetry is empty');
    else if (/[+#\u0000-\u001f\u007f]/.test(telemetry))
      problems.push('topics.telemetry cannot contain +, # or control characters');
  }
  const cp = input.credentialsProvider;
  if (cp !== undefined) {
    if (typeof cp.endpoint !== 'string' || !/^[A-Za-z0-9.:[\]-]+$/.test(cp.endpoint)) {
      problems.push('credentialsProvider.endpoint is not a host name');
    }
    if (typeof cp.roleAlias !== 'string' || !/^[\w=,@-]{1,128}$/.test(cp.roleAlias)) {
      problems.push('credentialsProvider.roleAlias is not a role alias name');
    }
  }
  if (problems.length) throw new TypeError(`Cannot build the credential bundle: ${problems.join('; ')}.`);
}

/** The root CA's file name: safe on every OS, and never one of the bundle's own names. */
function rootCaFileName(name: string): string {
  const safe = safeFileName(name || 'root-ca.pem', { fallback: 'root-ca.pem' });
  const taken = [...Object.values(BUNDLE_FILE_NAMES), PATHS.readme, 'config'].map((n) => n.toLowerCase());
  return taken.includes(safe.toLowerCase()) ? `root-ca-${safe}` : safe;
}

export function bundleContext(input: BundleInput): BundleContext {
  check(input);
  const thingName = input.thingName;
  return {
    thingName,
    clientId: thingName,
    endpoint: input.endpoint.trim(),
    port: input.port,
    mode: input.mode,
    region: input.region,
    certificateId: input.certificateId,
    policyName: input.policyName || undefined,
    createdAt: input.createdAt,
    folder: bundleFolderName(thingName),
    topics: {
      telemetry: input.topics?.telemetry ?? `${thingName}/telemetry`,
      shadowUpdate: shadowTopic(thingName, undefined, 'update'),
      shadowUpdateDelta: shadowTopic(thingName, undefined, 'update', 'delta'),
      microchipSensors: `${thingName.toLowerCase()}/sensors`,
    },
    files: { ...BUNDLE_FILE_NAMES, rootCa: rootCaFileName(input.rootCa.fileName) },
    certificatePem: normalizePem(input.certificatePem),
    privateKeyPem: input.privateKeyPem ? normalizePem(input.privateKeyPem) : undefined,
    publicKeyPem: input.publicKeyPem ? normalizePem(input.publicKeyPem) : undefined,
    rootCa: { ...input.rootCa, pem: normalizePem(input.rootCa.pem) },
    ...(input.credentialsProvider ? { credentialsProvider: { ...input.credentialsProvider } } : {}),
  };
}

/** Every file of the bundle, each inside a folder named after the thing. */
export function bundleFiles(input: BundleInput): BundleFile[] {
  const ctx = bundleContext(input);
  const at = (path: string) => `${ctx.folder}/${path}`;
  const files: BundleFile[] = [
    { path: at(PATHS.readme), content: readme(ctx) },
    { path: at(ctx.files.certificate), content: ctx.certificatePem },
  ];
  if (ctx.privateKeyPem) files.push({ path: at(ctx.files.privateKey), content: ctx.privateKeyPem, mode: 0o600 });
  if (ctx.publicKeyPem) files.push({ path: at(ctx.files.publicKey), content: ctx.publicKeyPem });
  files.push(
    { path: at(ctx.files.rootCa), content: ctx.rootCa.pem },
    { path: at(PATHS.deviceJson), content: deviceJson(ctx) },
    { path: at(PATHS.deviceEnv), content: deviceEnv(ctx) },
    { path: at(PATHS.mosquitto), content: mosquittoScript(ctx), executable: true },
    { path: at(PATHS.python), content: pythonSnippet(ctx) },
    { path: at(PATHS.javascript), content: javascriptSnippet(ctx) },
    { path: at(PATHS.freertosCredential), content: freertosClientCredentialHeader(ctx) },
    // The keys header carries the private key when it is known: as private as the key file.
    { path: at(PATHS.freertosKeys), content: freertosKeysHeader(ctx), ...(ctx.privateKeyPem ? { mode: 0o600 } : {}) },
    { path: at(PATHS.sparkfun), content: sparkfunSettings(ctx) },
    { path: at(PATHS.thinEdge), content: thinEdgeScript(ctx), executable: true },
    { path: at(PATHS.microchip), content: microchipNote(ctx) },
  );
  if (ctx.credentialsProvider) {
    const withProvider = { ...ctx, credentialsProvider: ctx.credentialsProvider };
    files.push(
      { path: at(CREDENTIALS_PATHS.curl), content: credentialsScript(withProvider), executable: true },
      { path: at(CREDENTIALS_PATHS.javascript), content: credentialsJsSnippet(withProvider) },
    );
  }
  return files;
}
