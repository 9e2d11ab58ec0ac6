import { z } from 'zod';
import type { BundleFile } from './bundle';
import type { DeviceConnection } from './connection';
import { normalizePem } from './escape';
import { safeFileName } from './safe-file-name';

/**
 * The claim bundle: what a device (or an installer's app) needs to provision itself by fleet provisioning — the
 * claim certificate and its key, the root CA, where to connect, and which template to ask. One layout, written by
 * the dashboard (claims made from a CSR, by CreateKeysAndCertificate, or by CreateProvisioningClaim for a trusted
 * user) and read by the device simulator (`npm run device -- --claim`). Pure: runs in the browser and on the
 * server.
 *
 * Inside one folder, `<template>-claim/`:
 *   claim/claim.pem.crt           the claim certificate
 *   claim/claim.private.pem.key   its private key (0600 in the zip)
 *   <root CA file>                AmazonRootCA1.pem, or the local IoT Core's root
 *   config/claim.json             ClaimBundleConfig: endpoint, port, template, file names, expiry, parameters
 * Other files (a README, SDK sample configurations) may sit beside them; readers ignore them.
 */

export const CLAIM_BUNDLE_PATHS = {
  config: 'config/claim.json',
  claimCertificate: 'claim/claim.pem.crt',
  claimPrivateKey: 'claim/claim.private.pem.key',
} as const;

/** What config/claim.json says (version 1). File names are relative to the bundle folder. */
export const claimBundleConfigSchema = z.object({
  kind: z.literal('fleet-provisioning-claim'),
  version: z.literal(1),
  templateName: z
    .string()
    .min(1)
    .max(36)
    .regex(/^[0-9A-Za-z_-]+$/),
  endpoint: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  mode: z.enum(['aws', 'local']),
  region: z.string().max(64),
  claimCertificateId: z.string().max(64).optional(),
  /** ISO 8601; set for a CreateProvisioningClaim (trusted-user) claim, which is good for five minutes. */
  expiresAt: z.string().datetime().optional(),
  /** The parameter names the template wants from the device (RegisterThing's parameters), for tools to ask for. */
  parameters: z.array(z.string().min(1).max(128)).max(50).optional(),
  files: z.object({
    claimCertificate: z.string().min(1),
    claimPrivateKey: z.string().min(1),
    rootCa: z.string().min(1),
  }),
});

export type ClaimBundleConfig = z.infer<typeof claimBundleConfigSchema>;

export interface ClaimBundleInput extends DeviceConnection {
  templateName: string;
  claimCertificatePem: string;
  claimPrivateKeyPem: string;
  claimCertificateId?: string;
  expiresAt?: Date;
  parameters?: string[];
}

/** A claim bundle as read back: everything the device needs to provision itself. */
export interface ClaimBundle {
  /** Where it came from, for messages. */
  source: string;
  config: ClaimBundleConfig;
  claimCertificatePem: string;
  claimPrivateKeyPem: string;
  rootCaPem: string;
}

export class ClaimBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimBundleError';
  }
}

/** `<safe-template>-claim`: the folder every file sits in. */
export const claimBundleFolderName = (templateName: string) =>
  `${safeFileName(templateName, { maxBytes: 200, fallback: 'template' })}-claim`;

/** `<safe-template>-claim.zip`. */
export const claimBundleFileName = (templateName: string) => `${claimBundleFolderName(templateName)}.zip`;

export function claimBundleConfig(input: ClaimBundleInput): ClaimBundleConfig {
  const config: ClaimBundleConfig = {
    kind: 'fleet-provisioning-claim',
    version: 1,
    templateName: input.templateName,
    endpoint: input.endpoint,
    port: input.port,
    mode: input.mode,
    region: input.region,
    files: {
      claimCertificate: CLAIM_BUNDLE_PATHS.claimCertificate,
      claimPrivateKey: CLAIM_BUNDLE_PATHS.claimPrivateKey,
      rootCa: input.rootCa.fileName,
    },
  };
  if (input.claimCertificateId) config.claimCertificateId = input.claimCertificateId;
  if (input.expiresAt) config.expiresAt = input.expiresAt.toISOString();
  if (input.parameters?.length) config.parameters = input.parameters;
  const checked = claimBundleConfigSchema.safeParse(config);
  if (!checked.success) throw new ClaimBundleError(`The claim bundle is not valid: ${describeIssue(checked.error)}.`);
  return checked.data;
}

/** The bundle's files (under its folder), with `extra` (paths relative to the folder) beside them. */
export function claimBundleFiles(input: ClaimBundleInput, extra: BundleFile[] = []): BundleFile[] {
  if (!/-----BEGIN CERTIFICATE-----/.test(input.claimCertificatePem)) {
    throw new ClaimBundleError('The claim certificate is not a PEM certificate.');
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input.claimPrivateKeyPem)) {
    throw new ClaimBundleError('The claim private key is not a PEM private key.');
  }
  const folder = claimBundleFolderName(input.templateName);
  const config = claimBundleConfig(input);
  return [
    { path: `${folder}/${config.files.claimCertificate}`, content: normalizePem(input.claimCertificatePem) },
    { path: `${folder}/${config.files.claimPrivateKey}`, content: normalizePem(input.claimPrivateKeyPem), mode: 0o600 },
    { path: `${folder}/${config.files.rootCa}`, content: normalizePem(input.rootCa.pem) },
    { path: `${folder}/${CLAIM_BUNDLE_PATHS.config}`, content: `${JSON.stringify(config, null, 2)}\n` },
    ...extra.map((f) => ({ ...f, path: `${folder}/${f.path}` })),
  ];
}

/**
 * Reads one claim bundle folder through `read` (a path relative to the folder, forward slashes; undefined when
 * missing), or says in plain words what is wrong with it.
 */
export function readClaimBundle(source: string, read: (relative: string) => string | undefined): ClaimBundle {
  const raw = read(CLAIM_BUNDLE_PATHS.config);
  if (raw === undefined) {
    throw new ClaimBundleError(
      `${source}: there is no ${CLAIM_BUNDLE_PATHS.config}; is this a claim bundle from the dashboard?`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ClaimBundleError(`${source}: ${CLAIM_BUNDLE_PATHS.config} is not valid JSON.`);
  }
  const parsed = claimBundleConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ClaimBundleError(
      `${source}: ${CLAIM_BUNDLE_PATHS.config} is not usable (${describeIssue(parsed.error)}).`,
    );
  }
  const config = parsed.data;
  const file = (name: string, what: string, pattern: RegExp) => {
    const text = read(name.replace(/^\.\//, ''));
    if (text === undefined)
      throw new ClaimBundleError(`${source}: the ${what} file ${name} is missing from the bundle.`);
    if (!pattern.test(text)) throw new ClaimBundleError(`${source}: ${name} is not a PEM ${what}.`);
    return text;
  };
  return {
    source,
    config,
    claimCertificatePem: file(config.files.claimCertificate, 'claim certificate', /-----BEGIN CERTIFICATE-----/),
    claimPrivateKeyPem: file(config.files.claimPrivateKey, 'claim private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
    rootCaPem: file(config.files.rootCa, 'root CA certificate', /-----BEGIN CERTIFICATE-----/),
  };
}

/** Whether a trusted-user claim's five minutes are over at `now`. */
export function claimExpired(config: ClaimBundleConfig, now = Date.now()): boolean {
  return config.expiresAt !== undefined && Date.parse(config.expiresAt) <= now;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'document'}: ${issue?.message}`;
}
