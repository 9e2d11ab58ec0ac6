import { projectRoot } from '../scripts/next-app';
import { expect, test } from './fixtures';
import { OnboardPage } from './pages/onboard-page';
import { requireEnv } from './stack';
import { findPrivateKeyFiles, findPrivateKeysInLog, NEXT_LOG_ENV } from './support/private-keys';
import { readDownloadedZip } from './support/zip';

/**
 * No private key on the dashboard's disk or in its log. Self-contained, so it means something whichever spec
 * ran before it: it first onboards a device with a browser-made key and one with AWS-generated keys (that
 * key passes through the server), then scans the dashboard server's working tree (without node_modules,
 * .git, .next*, the emulator's own data dir and test temp dirs) and the Next server's captured output.
 */
test('no private key is written to the working tree or the Next server log', async ({ page }) => {
  test.setTimeout(60_000);
  const run = Date.now().toString(36);
  for (const mode of ['Key made in this browser', 'AWS-generated keys'] as const) {
    const onboard = new OnboardPage(page);
    const thingName = `e2e-nokey-${mode === 'AWS-generated keys' ? 'aws' : 'browser'}-${run}`;
    await onboard.goto();
    await onboard.fill({ thingName, mode });
    const download = await onboard.onboardAndDownload();
    await expect(onboard.summary(thingName)).toBeVisible();
    // The key exists (in the download) — so the scans below look for something real.
    const files = await readDownloadedZip(download);
    expect(Object.keys(files).some((p) => p.endsWith('/private.pem.key'))).toBe(true);
  }

  expect(findPrivateKeyFiles(projectRoot), 'files holding a PEM private key').toEqual([]);
  expect(findPrivateKeysInLog(requireEnv(NEXT_LOG_ENV)), 'private keys in the Next server output').toBe(0);
});
