import { saveBytes } from '@/components/onboarding/download';
import { claimBundleFileName, claimBundleFiles, type ClaimBundleInput } from '@/lib/bundle/claim-bundle';
import type { DeviceConnection } from '@/lib/bundle/connection';
import { claimBundleExtras } from '@/lib/bundle/templates/claim';
import { zipBundle } from '@/lib/bundle/zip';

/**
 * Writes a claim bundle in the browser and saves it: the claim certificate and key, the root CA, the endpoint,
 * the template and its parameters, the SDK samples' command lines, FreeRTOS's demo defines and a README. The key
 * goes from this memory into the zip and nowhere else.
 */
export function downloadClaimBundle(
  connection: DeviceConnection,
  claim: Omit<ClaimBundleInput, keyof DeviceConnection>,
): void {
  const input: ClaimBundleInput = { ...connection, ...claim };
  const zip = zipBundle(claimBundleFiles(input, claimBundleExtras(input)));
  saveBytes(zip, claimBundleFileName(claim.templateName), 'application/zip');
}
