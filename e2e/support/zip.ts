import { readFile } from 'node:fs/promises';

import type { Download } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';

/** Every file of a zip, by path, as text (bundles hold PEM, JSON, shell and C text only). */
export function unzipText(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]));
}

/** Opens what the browser downloaded (Playwright keeps it in its own temp dir until the context closes). */
export async function readDownloadedZip(download: Download): Promise<Record<string, string>> {
  return unzipText(new Uint8Array(await readFile(await download.path())));
}

/** The one file whose path ends with `/name` (bundles keep their files in a `<thing>/` folder). */
export function fileNamed(files: Record<string, string>, name: string): string {
  const hits = Object.keys(files).filter((p) => p === name || p.endsWith(`/${name}`));
  if (hits.length !== 1)
    throw new Error(`expected one ${name} in the zip, found ${hits.length}: ${Object.keys(files).join(', ')}`);
  return files[hits[0]!]!;
}
