import fs from 'node:fs';
import path from 'node:path';

import { CLAIM_BUNDLE_PATHS, type ClaimBundle, ClaimBundleError, readClaimBundle } from '../bundle/claim-bundle';
import { readZip } from '../bundle/zip';

/**
 * Finds the claim bundle in a zip downloaded from the dashboard or the folder it unpacks to: the folder (at any
 * depth in a zip, the folder itself or one below it on disk) that holds config/claim.json.
 */
export function readClaim(target: string): ClaimBundle {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new ClaimBundleError(`Cannot read ${target}: no such file or folder.`);
  }
  if (stat.isDirectory()) {
    const candidates = [
      target,
      ...fs
        .readdirSync(target, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(target, e.name)),
    ];
    const dir = candidates.find((d) => fs.existsSync(path.join(d, CLAIM_BUNDLE_PATHS.config)));
    if (!dir)
      throw new ClaimBundleError(
        `${target} holds no claim bundle: no ${CLAIM_BUNDLE_PATHS.config} in it or a folder below it.`,
      );
    return readClaimBundle(dir, (rel) => {
      try {
        return fs.readFileSync(path.join(dir, rel), 'utf8');
      } catch {
        return undefined;
      }
    });
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = readZip(fs.readFileSync(target));
  } catch (err) {
    throw new ClaimBundleError(`Cannot read ${target} as a zip file (${(err as Error).message}).`);
  }
  const config = Object.keys(entries)
    .filter((p) => p === CLAIM_BUNDLE_PATHS.config || p.endsWith(`/${CLAIM_BUNDLE_PATHS.config}`))
    .sort()[0];
  if (config === undefined)
    throw new ClaimBundleError(`${target} holds no claim bundle: no ${CLAIM_BUNDLE_PATHS.config} in it.`);
  const folder = config.slice(0, config.length - CLAIM_BUNDLE_PATHS.config.length);
  const decoder = new TextDecoder();
  return readClaimBundle(`${path.basename(target)}:${folder || '/'}`, (rel) => {
    const entry = entries[folder + rel];
    return entry ? decoder.decode(entry) : undefined;
  });
}
