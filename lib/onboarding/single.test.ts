/**
 * The server side of onboarding against a real emulator (in-process, random ports) with the real SDK: the
 * steps in AWS's order, the rollback after a failure at each step, and the later re-download.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  CreateThingCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  IoTClient,
  ListCertificatesCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';
import { strFromU8, unzipSync } from 'fflate';

import { createEmulator, type Emulator } from '../../emulator/index';
import { generateDeviceKeys } from '../pki/browser-keys';

const REGION = 'us-east-1';
const CREDS = { accessKeyId: 'AKIDSTEPSTEST0000000', secretAccessKey: 'steps-test' };

describe('onboarding steps against the local IoT Core', () => {
  let emulator: Emulator;
  let dataDir: string;
  let iot: IoTClient;
  let steps: typeof import('./single');
  let run: typeof import('./run');
  let redownload: typeof import('./redownload');
  let preflight: typeof import('./preflight');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-steps-'));
    emulator = await createEmulator({ httpPort: 0, mqttPort: 0, dataDir, region: REGION });
    Object.assign(process.env, {
      IOT_MODE: 'local',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_IOT: emulator.urls.http,
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulator.urls.http,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    iot = new IoTClient({ region: REGION, endpoint: emulator.urls.http, credentials: CREDS, maxAttempts: 1 });
    steps = await import('./single');
    run = await import('./run');
    redownload = await import('./redownload');
    preflight = await import('./preflight');
  });

  after(async () => {
    iot.destroy();
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const certificateCount = async () =>
    (await iot.send(new ListCertificatesCommand({ pageSize: 250 }))).certificates?.length ?? 0;
  const exists = (p: Promise<unknown>) =>
    p.then(
      () => true,
      (e: Error) => {
        if (e.name === 'ResourceNotFoundException') return false;
        throw e;
      },
    );
  const plan = (thingName: string) => ({
    thingName,
    attributes: {},
    credentials: { mode: 'browser-key' as const, algorithm: 'EC' as const },
    policy: { mode: 'template' as const, templateId: 'thing-scoped', policyName: `${thingName}-policy` },
  });

  test('a run makes the thing, an active certificate, the policy, and both attachments', async () => {
    const out = await run.runOnboarding(plan('steps-ok'), steps.serverSteps, { generateKeys: generateDeviceKeys });
    assert.ok(out.ok, out.ok ? '' : out.view.failure?.message);
    const principals = (await iot.send(new ListThingPrincipalsCommand({ thingName: 'steps-ok' }))).principals ?? [];
    assert.deepEqual(principals, [out.result.certificateArn]);
    const policy = await iot.send(new GetPolicyCommand({ policyName: 'steps-ok-policy' }));
    // The template's account id comes from the thing's ARN.
    assert.match(
      policy.policyDocument ?? '',
      /arn:aws:iot:us-east-1:\d{12}:client\/\$\{iot:Connection\.Thing\.ThingName\}/,
    );
  });

  for (const operation of [
    'CreateThing',
    'CreateCertificateFromCsr',
    'CreatePolicy',
    'AttachPolicy',
    'AttachThingPrincipal',
  ]) {
    test(`a failure at ${operation} is undone completely`, async () => {
      const thingName = `steps-fault-${operation}`;
      const before = await certificateCount();
      emulator.context.faults.add({ operation, error: 'InvalidRequestException', count: 1 });
      const out = await run.runOnboarding(plan(thingName), steps.serverSteps, { generateKeys: generateDeviceKeys });
      assert.ok(!out.ok);
      assert.deepEqual(out.view.rollback?.left, []);
      assert.equal(await exists(iot.send(new DescribeThingCommand({ thingName }))), false);
      assert.equal(await exists(iot.send(new GetPolicyCommand({ policyName: `${thingName}-policy` }))), false);
      assert.equal(await certificateCount(), before);
    });
  }

  test('an existing thing is never adopted (CreateThing would succeed for it) nor deleted by the rollback', async () => {
    await iot.send(new CreateThingCommand({ thingName: 'steps-theirs' }));
    const out = await steps.createThingStep({ thingName: 'steps-theirs', attributes: {} });
    assert.ok(!out.ok);
    assert.equal(out.error.code, 'already_exists');
    assert.deepEqual(out.created, []);
    assert.equal(await exists(iot.send(new DescribeThingCommand({ thingName: 'steps-theirs' }))), true);
  });

  test('the preflight names the taken thing and the taken policy name beside their fields', async () => {
    const checked = await preflight.preflight(plan('steps-ok'));
    assert.deepEqual(checked.problems.map((p) => p.path).sort(), ['policyName', 'thingName']);
    assert.equal(checked.connection.mode, 'local');
    assert.equal(checked.connection.port, emulator.config.mqttPort);
    assert.equal(checked.connection.rootCa.pem.trim(), emulator.rootCaPem.trim());
  });

  test('step inputs are validated before any AWS call; a malformed ledger undoes nothing', async () => {
    const bad = await steps.attachPolicyStep({ policyName: 'x', certificateArn: 'not-an-arn' });
    assert.ok(!bad.ok);
    assert.equal(bad.error.code, 'invalid');
    const report = await steps.rollbackStep([{ kind: 'thing', thingName: 'steps-theirs' }, { kind: 'bogus' } as never]);
    assert.equal(report.undone.length, 0);
    assert.equal(await exists(iot.send(new DescribeThingCommand({ thingName: 'steps-theirs' }))), true);
  });

  test('the re-download holds the active certificate and settings, never a private key', async () => {
    const out = await redownload.redownloadBundle('steps-ok');
    assert.ok(out.ok);
    const files = Object.fromEntries(Object.entries(unzipSync(out.zip)).map(([k, v]) => [k, strFromU8(v)]));
    assert.ok(Object.keys(files).some((p) => p.endsWith('/certificate.pem.crt')));
    assert.ok(!Object.keys(files).some((p) => p.endsWith('/private.pem.key')));
    assert.ok(!Object.values(files).some((t) => /-----BEGIN (RSA |EC )?PRIVATE KEY-----\n[A-Za-z0-9+/]{40}/.test(t)));
    assert.deepEqual(await redownload.redownloadBundle('steps-theirs'), { ok: false, reason: 'no_active_certificate' });
    assert.deepEqual(await redownload.redownloadBundle('steps-nobody'), { ok: false, reason: 'no_thing' });
  });
});
