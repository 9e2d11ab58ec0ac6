/**
 * Onboarding with a role alias: the template policy gains iot:AssumeRoleWithCertificate on the alias, the
 * preflight refuses an alias that does not exist and names the credentials provider, and the onboarded device
 * then gets credentials from the local IoT Core's credentials provider with its new certificate.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CreateRoleAliasCommand, GetPolicyCommand, IoTClient } from '@aws-sdk/client-iot';

import { createEmulator, type Emulator } from '../../emulator/index';
import { generateDeviceKeys } from '../pki/browser-keys';
import { roleAliasArn, withAssumeRoleStatement } from './role-alias';
import type { OnboardingPlan } from './types';

describe('the role alias statement (pure)', () => {
  test('is appended to the template’s statements, on the alias ARN in the thing’s region and account', () => {
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
    });
    const thingArn = 'arn:aws:iot:eu-west-1:123456789012:thing/cam-1';
    const out = JSON.parse(withAssumeRoleStatement(doc, thingArn, 'cam-uploads'));
    assert.equal(out.Statement.length, 2);
    assert.deepEqual(out.Statement[1], {
      Effect: 'Allow',
      Action: 'iot:AssumeRoleWithCertificate',
      Resource: 'arn:aws:iot:eu-west-1:123456789012:rolealias/cam-uploads',
    });
    assert.equal(
      roleAliasArn('arn:aws-cn:iot:cn-north-1:123456789012:thing/x', 'a'),
      'arn:aws-cn:iot:cn-north-1:123456789012:rolealias/a',
    );
  });
});

const REGION = 'us-east-1';
const CREDS = { accessKeyId: 'AKIDROLEALIASTEST000', secretAccessKey: 'role-alias-test' };

describe('onboarding with a role alias against the local IoT Core', () => {
  let emulator: Emulator;
  let dataDir: string;
  let iot: IoTClient;
  let steps: typeof import('./single');
  let run: typeof import('./run');
  let preflight: typeof import('./preflight');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-alias-'));
    emulator = await createEmulator({ httpPort: 0, mqttPort: 0, dataDir, region: REGION });
    Object.assign(process.env, {
      IOT_MODE: 'local',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_IOT: emulator.urls.http,
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: emulator.urls.http,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    });
    iot = new IoTClient({ region: REGION, endpoint: emulator.urls.http, credentials: CREDS, maxAttempts: 1 });
    await iot.send(
      new CreateRoleAliasCommand({ roleAlias: 'cam-uploads', roleArn: 'arn:aws:iam::123456789012:role/cam' }),
    );
    steps = await import('./single');
    run = await import('./run');
    preflight = await import('./preflight');
  });
  after(async () => {
    iot.destroy();
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const plan = (thingName: string, roleAlias: string): OnboardingPlan => ({
    thingName,
    attributes: {},
    credentials: { mode: 'aws-keys' },
    policy: { mode: 'template', templateId: 'thing-scoped', policyName: `${thingName}-policy` },
    roleAlias,
  });

  test('the preflight refuses an alias that does not exist, beside its field', async () => {
    const checked = await preflight.preflight(plan('alias-missing', 'no-such-alias'));
    assert.deepEqual(
      checked.problems.map((p) => p.path),
      ['roleAlias'],
    );
    assert.match(checked.problems[0]!.message, /no role alias named no-such-alias/);
  });

  test('a run makes the policy with the statement, and the device then gets AWS credentials', async () => {
    const checked = await preflight.preflight(plan('cam-9', 'cam-uploads'));
    assert.deepEqual(checked.problems, []);
    assert.deepEqual(checked.credentialsProvider, {
      endpoint: `localhost:${emulator.config.credentialsPort}`,
      roleAlias: 'cam-uploads',
    });
    const out = await run.runOnboarding(plan('cam-9', 'cam-uploads'), steps.serverSteps, {
      generateKeys: generateDeviceKeys,
    });
    assert.ok(out.ok, out.ok ? '' : out.view.failure?.message);
    const policy = JSON.parse((await iot.send(new GetPolicyCommand({ policyName: 'cam-9-policy' }))).policyDocument!);
    assert.ok(
      policy.Statement.some(
        (s: { Action: string; Resource: string }) =>
          s.Action === 'iot:AssumeRoleWithCertificate' && /:rolealias\/cam-uploads$/.test(s.Resource),
      ),
    );

    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: emulator.config.credentialsPort,
          path: '/role-aliases/cam-uploads/credentials',
          cert: out.result.certificatePem,
          key: out.result.privateKeyPem,
          ca: emulator.rootCaPem,
          headers: { 'x-amzn-iot-thingname': 'cam-9' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 200, answer.body);
    assert.match(JSON.parse(answer.body).credentials.accessKeyId, /^ASIA/);
  });
});
