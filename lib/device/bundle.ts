import fs from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { readZip } from '../bundle/zip';
import { shadowTopic } from '../mqtt/reserved-topics';

/**
 * Reads credential bundles as lib/bundle writes them: a folder per device holding `config/device.json` (endpoint,
 * port, client id, thing name, topics, file names relative to the folder), the certificate, the private key (only
 * in the first download) and the root CA. A single bundle zip has one such folder; a bulk zip has one per device
 * (and a manifest.csv, which is not needed here: every folder that contains config/device.json is a device).
 */

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

const DEVICE_JSON = 'config/device.json';

const deviceJsonSchema = z.object({
  thingName: z.string().min(1).max(128),
  clientId: z.string().min(1).max(128),
  endpoint: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  alpnProtocols: z.array(z.string()).optional(),
  mode: z.enum(['aws', 'local']).optional(),
  region: z.string().optional(),
  certificateId: z.string().optional(),
  topics: z.object({
    telemetry: z.string().min(1),
    shadowUpdate: z.string().min(1).optional(),
    shadowUpdateDelta: z.string().min(1).optional(),
  }),
  files: z.object({
    baseDirectory: z.string().optional(),
    certificate: z.string().min(1),
    privateKey: z.string().min(1),
    privateKeyIncluded: z.boolean().optional(),
    rootCa: z.string().min(1),
  }),
});

export type DeviceJson = z.infer<typeof deviceJsonSchema>;

/** Everything one simulated device needs to connect. */
export interface DeviceBundle {
  /** Where it came from, for messages: `bundle.zip:sensor-1/` or a folder path. */
  source: string;
  thingName: string;
  clientId: string;
  endpoint: string;
  port: number;
  alpnProtocols?: string[];
  topics: { telemetry: string; shadowUpdate: string; shadowUpdateDelta: string };
  certificatePem: string;
  privateKeyPem: string;
  rootCaPem: string;
}

/** A file lookup relative to the bundle folder (forward slashes). */
type ReadFile = (relative: string) => string | undefined;

const decoder = new TextDecoder();

/** Turns one bundle folder (its device.json and a way to read its files) into a DeviceBundle, or says what is wrong. */
export function deviceFromFolder(source: string, read: ReadFile): DeviceBundle {
  const raw = read(DEVICE_JSON);
  if (raw === undefined)
    throw new BundleError(`${source}: there is no ${DEVICE_JSON}; is this a credential bundle from the dashboard?`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BundleError(`${source}: ${DEVICE_JSON} is not valid JSON.`);
  }
  const parsed = deviceJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(
      `${source}: ${DEVICE_JSON} is not usable (${issue?.path.join('.') || 'document'}: ${issue?.message}).`,
    );
  }
  const cfg = parsed.data;
  const file = (name: string, what: string) => {
    const text = read(name);
    if (text === undefined) throw new BundleError(`${source}: the ${what} file ${name} is missing from the bundle.`);
    return text;
  };
  const privateKey = read(cfg.files.privateKey);
  if (privateKey === undefined || cfg.files.privateKeyIncluded === false) {
    throw new BundleError(
      `${source}: this bundle was downloaded again later and has no private key (${cfg.files.privateKey}). ` +
        'AWS IoT never stores private keys: use the first download of this device, or put its key next to the certificate as ' +
        `${cfg.files.privateKey}.`,
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey))
    throw new BundleError(`${source}: ${cfg.files.privateKey} is not a PEM private key.`);
  const certificatePem = file(cfg.files.certificate, 'certificate');
  if (!certificatePem.includes('-----BEGIN CERTIFICATE-----'))
    throw new BundleError(`${source}: ${cfg.files.certificate} is not a PEM certificate.`);
  const rootCaPem = file(cfg.files.rootCa, 'root CA');
  if (!rootCaPem.includes('-----BEGIN CERTIFICATE-----'))
    throw new BundleError(`${source}: ${cfg.files.rootCa} is not a PEM certificate.`);
  return {
    source,
    thingName: cfg.thingName,
    clientId: cfg.clientId,
    endpoint: cfg.endpoint,
    port: cfg.port,
    ...(cfg.alpnProtocols?.length ? { alpnProtocols: cfg.alpnProtocols } : {}),
    topics: {
      telemetry: cfg.topics.telemetry,
      shadowUpdate: cfg.topics.shadowUpdate ?? shadowTopic(cfg.thingName, undefined, 'update'),
      shadowUpdateDelta: cfg.topics.shadowUpdateDelta ?? shadowTopic(cfg.thingName, undefined, 'update', 'delta'),
    },
    certificatePem,
    privateKeyPem: privateKey,
    rootCaPem,
  };
}

/** Every device in a zip: each folder (at any depth, or the zip's root) holding config/device.json, sorted by path. */
export function devicesFromZip(bytes: Uint8Array, label = 'the zip'): DeviceBundle[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = readZip(bytes);
  } catch (err) {
    throw new BundleError(
      `Cannot read ${label} as a zip file (${(err as Error).message}). Is it a credential bundle downloaded from the dashboard?`,
    );
  }
  const folders = Object.keys(entries)
    .filter((p) => p === DEVICE_JSON || p.endsWith(`/${DEVICE_JSON}`))
    .map((p) => p.slice(0, p.length - DEVICE_JSON.length))
    .sort();
  if (folders.length === 0) throw new BundleError(`${label} holds no device: no folder in it contains ${DEVICE_JSON}.`);
  return folders.map((folder) =>
    deviceFromFolder(`${label}:${folder || '/'}`, (relative) => {
      const entry = entries[folder + normalise(relative)];
      return entry ? decoder.decode(entry) : undefined;
    }),
  );
}

/** Every device in a folder: the folder itself when it holds config/device.json, otherwise its sub-folders (two levels). */
export function devicesFromDirectory(dir: string): DeviceBundle[] {
  const fromDir = (d: string) =>
    deviceFromFolder(d, (relative) => {
      try {
        return fs.readFileSync(path.join(d, normalise(relative)), 'utf8');
      } catch {
        return undefined;
      }
    });
  if (fs.existsSync(path.join(dir, DEVICE_JSON))) return [fromDir(dir)];
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const sub = path.join(d, entry.name);
      if (fs.existsSync(path.join(sub, DEVICE_JSON))) found.push(sub);
      else if (depth < 2) walk(sub, depth + 1);
    }
  };
  walk(dir, 1);
  if (found.length === 0)
    throw new BundleError(`${dir} holds no device: neither it nor a folder in it contains ${DEVICE_JSON}.`);
  return found.map(fromDir);
}

/** Reads a bundle zip or folder from disk. */
export function readDevices(target: string): DeviceBundle[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new BundleError(`Cannot read ${target}: no such file or folder.`);
  }
  if (stat.isDirectory()) return devicesFromDirectory(target);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(target);
  } catch (err) {
    throw new BundleError(`Cannot read ${target} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  return devicesFromZip(bytes, path.basename(target));
}

/** device.json names files relative to the bundle folder; tolerate `./` and the `..`-relative base it documents. */
function normalise(relative: string): string {
  return relative.replace(/^\.\//, '');
}
