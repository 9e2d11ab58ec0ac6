import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';

import { makeKeyAndCsr } from '../emulator/test/devices';
import { bundleFiles, zipBundle } from '../lib/bundle';
import { expect, test } from './fixtures';
import { ConnectionCheckPage } from './pages/connection-check-page';
import { E2E_ENV, requireEnv } from './stack';

/**
 * The connection check against the real emulator: a device without a policy is told which policy is missing and
 * how to attach one; a fully onboarded device passes the static checks, and once the device simulator
 * (scripts/device.ts, with a bundle built by lib/bundle) runs, the live steps turn to pass.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const emulatorUrl = () => requireEnv(E2E_ENV.emulatorUrl);
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const THING = '${iot:Connection.Thing.ThingName}';
const devicePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:*:*:client/${THING}` },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: [`arn:aws:iot:*:*:topic/${THING}/*`, `arn:aws:iot:*:*:topic/$aws/things/${THING}/shadow/*`],
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: [`arn:aws:iot:*:*:topicfilter/${THING}/*`, `arn:aws:iot:*:*:topicfilter/$aws/things/${THING}/shadow/*`],
    },
  ],
});

async function onboard(iot: IoTClient, thingName: string, policyName: string) {
  await iot.send(new CreateThingCommand({ thingName }));
  const { keyPem, csrPem } = await makeKeyAndCsr(thingName);
  const cert = await iot.send(
    new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
  );
  await iot.send(new CreatePolicyCommand({ policyName, policyDocument: devicePolicy }));
  await iot.send(new AttachPolicyCommand({ policyName, target: cert.certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));
  return { certificateId: cert.certificateId!, certificatePem: cert.certificatePem!, keyPem };
}

test.describe('connection check', () => {
  const children: ChildProcess[] = [];
  let dir: string;

  test.beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-check-'));
  });
  test.afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a thing with a certificate but no policy: the check names the missing policy and how to fix it', async ({
    page,
    iot,
  }) => {
    const thingName = `e2e-check-nopolicy-${unique()}`;
    await iot.send(new CreateThingCommand({ thingName }));
    const cert = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(new AttachThingPrincipalCommand({ thingName, principal: cert.certificateArn }));

    const check = new ConnectionCheckPage(page);
    await check.goto(thingName);
    await expect(check.heading).toHaveText(`Connection check: ${thingName}`);
    await expect(page.getByText('This device cannot connect yet')).toBeVisible();

    await expect(check.stepWithStatus('The thing exists', 'Pass')).toBeVisible();
    await expect(check.stepWithStatus('Certificate status', 'Pass')).toBeVisible();
    const policies = check.stepWithStatus('Policies attached', 'Fail');
    await expect(policies).toContainText('This device has no policy');
    await expect(policies).toContainText('How to fix: Attach one');
    await expect(policies.getByRole('link', { name: 'Policies' })).toHaveAttribute('href', '/policies');
    // The simulation says the same thing for Connect.
    const connect = check.stepWithStatus(`iot:Connect as client id ${thingName}`, 'Fail');
    await expect(connect).toContainText('no policy is attached');

    await policies.getByRole('link', { name: 'Policies' }).click();
    await expect(page).toHaveURL(/\/policies$/);
  });

  test('a fully onboarded device passes the static checks, then the live steps pass once the simulator runs', async ({
    page,
    iot,
  }) => {
    test.setTimeout(90_000);
    const id = unique();
    const thingName = `e2e-check-ok-${id}`;
    const creds = await onboard(iot, thingName, `e2e-check-policy-${id}`);

    const check = new ConnectionCheckPage(page);
    await check.goto(thingName);
    await expect(page.getByText('Ready to connect')).toBeVisible();
    await expect(check.stepWithStatus('Policies attached', 'Pass')).toContainText(`e2e-check-policy-${id}`);
    await expect(check.stepWithStatus(`iot:Connect as client id ${thingName}`, 'Pass')).toBeVisible();
    await expect(check.stepWithStatus(`iot:Publish on ${thingName}/telemetry`, 'Pass')).toBeVisible();
    await expect(check.stepWithStatus(`iot:Publish on $aws/things/${thingName}/shadow/update`, 'Pass')).toBeVisible();
    await expect(
      check.stepWithStatus(`iot:Subscribe on $aws/things/${thingName}/shadow/update/delta`, 'Pass'),
    ).toBeVisible();
    await expect(check.stepWithStatus('Root CA', 'Pass')).toContainText('root-ca.pem');
    await expect(check.stepsWithStatus('Fail')).toHaveCount(0);
    await expect(check.stepsWithStatus('Warning')).toHaveCount(0);

    // Nothing is connected yet: the live part waits.
    await expect(check.liveStep('The device connects', 'Waiting')).toBeVisible();

    const [health, rootCa] = await Promise.all([
      fetch(`${emulatorUrl()}/_emulator/health`).then((r) => r.json() as Promise<{ mqttPort: number }>),
      fetch(`${emulatorUrl()}/_emulator/root-ca.pem`).then((r) => r.text()),
    ]);
    const zip = path.join(dir, `${thingName}.zip`);
    fs.writeFileSync(
      zip,
      zipBundle(
        bundleFiles({
          thingName,
          endpoint: 'localhost',
          port: health.mqttPort,
          mode: 'local',
          region: requireEnv(E2E_ENV.region),
          certificateId: creds.certificateId,
          certificatePem: creds.certificatePem,
          privateKeyPem: creds.keyPem,
          rootCa: { fileName: 'root-ca.pem', pem: rootCa, description: 'the local IoT Core root' },
        }),
      ),
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/device.ts', zip, '--interval', '1', '--duration', '60'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    children.push(child);

    await expect(check.liveStep('The device connects', 'Pass')).toBeVisible({ timeout: 20_000 });
    await expect(check.liveStep('Its first message arrives', 'Pass')).toContainText(`${thingName}/telemetry`, {
      timeout: 20_000,
    });
    await expect(check.liveStep('Shadow round trip', 'Pass')).toContainText('reported check = check-', {
      timeout: 30_000,
    });
    await expect(check.live.getByText('The device is connected, sends messages and follows its shadow.')).toBeVisible();

    child.kill('SIGINT');
  });
});
