import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { CreateRoleAliasCommand, GetPolicyCommand } from '@aws-sdk/client-iot';

import { expect, test } from './fixtures';
import { OnboardPage } from './pages/onboard-page';
import { fileNamed, readDownloadedZip } from './support/zip';

const run = promisify(execFile);

test.describe('Onboard a device with a role alias', () => {
  test.describe.configure({ timeout: 90_000 });

  test('the policy allows the alias, and the bundle’s own curl script gets AWS credentials', async ({ page, iot }) => {
    const id = Date.now().toString(36);
    const alias = `e2e-uploads-${id}`;
    const thingName = `e2e-cam-${id}`;
    await iot.send(
      new CreateRoleAliasCommand({ roleAlias: alias, roleArn: 'arn:aws:iam::123456789012:role/e2e-uploads' }),
    );

    const onboard = new OnboardPage(page);
    await onboard.goto();
    await onboard.fill({ thingName });
    await page.getByLabel('AWS credentials through a role alias (optional)').selectOption(alias);
    const download = await onboard.onboardAndDownload();
    const summary = onboard.summary(thingName);
    await expect(summary).toContainText(`/role-aliases/${alias}/credentials`);

    const policy = JSON.parse(
      (await iot.send(new GetPolicyCommand({ policyName: `${thingName}-policy` }))).policyDocument ?? '{}',
    ) as { Statement: { Action: string; Resource: string }[] };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Action: 'iot:AssumeRoleWithCertificate',
        Resource: expect.stringMatching(`:rolealias/${alias}$`),
      }),
    );

    const files = await readDownloadedZip(download);
    expect(fileNamed(files, 'README.md')).toContain(`role alias \`${alias}\``);
    const device = JSON.parse(fileNamed(files, 'config/device.json')) as { credentialsProvider: { roleAlias: string } };
    expect(device.credentialsProvider.roleAlias).toBe(alias);

    // The bundle as the operator unpacks it, with the key the browser made.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-alias-'));
    try {
      for (const [name, content] of Object.entries(files)) {
        if (name.endsWith('/')) continue; // a folder entry
        const target = path.join(dir, name);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      const script = path.join(dir, thingName, 'config', 'credentials-provider.sh');
      await chmod(script, 0o755);
      const { stdout } = await run(script, [], { timeout: 20_000 });
      const answer = JSON.parse(stdout) as { credentials: { accessKeyId: string; expiration: string } };
      expect(answer.credentials.accessKeyId).toMatch(/^ASIA/);
      expect(Date.parse(answer.credentials.expiration)).toBeGreaterThan(Date.now());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
