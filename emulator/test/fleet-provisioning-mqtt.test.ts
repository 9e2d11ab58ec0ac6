import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  DescribeCertificateCommand,
  DescribeThingCommand,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListThingGroupsForThingCommand,
  CreateThingGroupCommand,
  UpdateProvisioningTemplateCommand,
} from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { generateDeviceKeys } from '../../lib/pki/browser-keys';
import { sweepFleetProvisioning, tokenHash } from '../iot/fleet-provisioning';
import { closed, connectDevice } from './devices';
import { ask, makeClaim } from './fleet-client';
import { createFleetTemplate, HOOK_ARN } from './fleet-fixtures';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

/**
 * The fleet provisioning MQTT API through mqtt.js over mutual TLS, in JSON and CBOR: a device holding a claim
 * certificate gets its own certificate (CreateKeysAndCertificate or CreateCertificateFromCsr), registers it
 * through a template (RegisterThing), and connects with it.
 */

const UNMAPPED_HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:nowhere';
const HOOKED_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:hook';

interface HookCall {
  body: Record<string, unknown>;
}

describe('fleet provisioning over MQTT', () => {
  let t: TestEmulator;
  let hookServer: http.Server;
  const hookCalls: HookCall[] = [];
  let hookAnswer: (body: Record<string, unknown>) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { allowProvisioning: true },
  });
  const clients: MqttClient[] = [];
  let serial = 0;
  const nextSerial = () => `SN${String(++serial).padStart(4, '0')}`;

  before(async () => {
    hookServer = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        hookCalls.push({ body });
        const answer = hookAnswer(body);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
    t = await startTestEmulator({ lambdaEndpoints: { [HOOK_ARN]: url, [HOOKED_ARN]: url } });
    await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'fleet-widgets' }));
    await createFleetTemplate(t, 'widgets', { group: 'fleet-widgets' });
    await createFleetTemplate(t, 'disabled-widgets', { enabled: false });
    await createFleetTemplate(t, 'hooked', { hookArn: HOOKED_ARN, prefix: 'hooked-' });
    await createFleetTemplate(t, 'unmapped-hook', { hookArn: UNMAPPED_HOOK_ARN });
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await t.close();
    await new Promise((r) => hookServer.close(r));
  });

  async function claimConnection(templateName = 'widgets', policyDocument?: string) {
    const claim = await makeClaim(
      t,
      templateName,
      policyDocument ? { policyDocument, policyName: `custom-${serial}-${templateName}` } : {},
    );
    const client = await connectDevice(t, claim, `claim-${nextSerial()}`);
    clients.push(client);
    return { claim, client };
  }

  const store = () => t.emulator.context.store.c;

  for (const format of ['json', 'cbor'] as const) {
    test(`CreateKeysAndCertificate then RegisterThing (${format}): a thing, an active certificate, and a device that connects with it`, async () => {
      const { client, claim } = await claimConnection();
      const created = await ask(client, { operation: 'CreateKeysAndCertificate', format }, undefined);
      assert.equal(created.kind, 'accepted', JSON.stringify(created.body));
      assert.deepEqual(Object.keys(created.body).sort(), [
        'certificateId',
        'certificateOwnershipToken',
        'certificatePem',
        'privateKey',
      ]);
      const { certificateId, certificatePem, privateKey, certificateOwnershipToken } = created.body;
      assert.ok(new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKey)));
      // Until RegisterThing settles it, the certificate waits.
      const pending = await t.iot.send(new DescribeCertificateCommand({ certificateId }));
      assert.equal(pending.certificateDescription?.status, 'PENDING_ACTIVATION');
      // The token is kept only as its hash.
      assert.ok(store().ownershipTokens.get(tokenHash(certificateOwnershipToken)));
      assert.ok(!store().ownershipTokens.has(certificateOwnershipToken));

      const sn = nextSerial();
      const registered = await ask(
        client,
        { operation: 'RegisterThing', templateName: 'widgets', format },
        { certificateOwnershipToken, parameters: { SerialNumber: sn } },
      );
      assert.equal(registered.kind, 'accepted', JSON.stringify(registered.body));
      assert.deepEqual(registered.body, {
        deviceConfiguration: { telemetryTopic: `fleet/${sn}/telemetry` },
        thingName: `device-${sn}`,
      });
      const thing = await t.iot.send(new DescribeThingCommand({ thingName: `device-${sn}` }));
      assert.deepEqual(thing.attributes, { serial: sn });
      const groups = await t.iot.send(new ListThingGroupsForThingCommand({ thingName: `device-${sn}` }));
      assert.deepEqual(
        groups.thingGroups?.map((g) => g.groupName),
        ['fleet-widgets'],
      );
      const active = await t.iot.send(new DescribeCertificateCommand({ certificateId }));
      assert.equal(active.certificateDescription?.status, 'ACTIVE');
      const arn = active.certificateDescription!.certificateArn!;
      assert.deepEqual((await t.iot.send(new ListPrincipalThingsCommand({ principal: arn }))).things, [`device-${sn}`]);
      assert.deepEqual(
        (await t.iot.send(new ListAttachedPoliciesCommand({ target: arn }))).policies?.map((p) => p.policyName),
        ['fleet-device-policy'],
      );
      assert.equal(store().ownershipTokens.get(tokenHash(certificateOwnershipToken)), undefined, 'the token is spent');

      // The device disconnects from its claim session and comes back as itself.
      await client.endAsync();
      const device = await connectDevice(
        t,
        { certPem: certificatePem, keyPem: privateKey, caPem: t.emulator.rootCaPem },
        `device-${sn}`,
      );
      clients.push(device);
      await device.publishAsync(`fleet/${sn}/telemetry`, '{"t":21}', { qos: 1 });
      assert.notEqual(claim.certificateId, certificateId);
    });

    test(`CreateCertificateFromCsr then RegisterThing (${format}): the certificate carries the CSR's key`, async () => {
      const { client } = await claimConnection();
      const keys = await generateDeviceKeys('csr-device');
      const created = await ask(
        client,
        { operation: 'CreateCertificateFromCsr', format },
        { certificateSigningRequest: keys.csrPem },
      );
      assert.equal(created.kind, 'accepted', JSON.stringify(created.body));
      assert.deepEqual(Object.keys(created.body).sort(), [
        'certificateId',
        'certificateOwnershipToken',
        'certificatePem',
      ]);
      const x509 = new X509Certificate(created.body.certificatePem);
      assert.ok(x509.publicKey.equals(createPublicKey(keys.publicKeyPem)));
      assert.match(x509.subject, /CN=csr-device/);

      const sn = nextSerial();
      const registered = await ask(
        client,
        { operation: 'RegisterThing', templateName: 'widgets', format },
        { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: sn } },
      );
      assert.equal(registered.kind, 'accepted', JSON.stringify(registered.body));
      assert.equal(registered.body.thingName, `device-${sn}`);
      const device = await connectDevice(
        t,
        { certPem: created.body.certificatePem, keyPem: keys.privateKeyPem, caPem: t.emulator.rootCaPem },
        `device-${sn}`,
      );
      clients.push(device);
    });
  }

  test('answers go to the asking connection only, never to another subscriber', async () => {
    const { client: asker } = await claimConnection();
    const { client: other } = await claimConnection();
    const heard: string[] = [];
    await other.subscribeAsync('$aws/certificates/create/json/+', { qos: 1 });
    other.on('message', (topic) => heard.push(topic));
    const created = await ask(asker, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    assert.equal(created.kind, 'accepted');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(heard, [], 'another claim device never sees a private key meant for this one');
  });

  test('an ownership token is spent by one RegisterThing: the second is InvalidCertificateOwnershipToken', async () => {
    const { client } = await claimConnection();
    const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    const request = {
      certificateOwnershipToken: created.body.certificateOwnershipToken,
      parameters: { SerialNumber: nextSerial() },
    };
    const first = await ask(client, { operation: 'RegisterThing', templateName: 'widgets', format: 'json' }, request);
    assert.equal(first.kind, 'accepted');
    const second = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'widgets', format: 'json' },
      {
        ...request,
        parameters: { SerialNumber: nextSerial() },
      },
    );
    assert.equal(second.kind, 'rejected');
    assert.deepEqual(Object.keys(second.body).sort(), ['errorCode', 'errorMessage', 'statusCode']);
    assert.equal(second.body.statusCode, 400);
    assert.equal(second.body.errorCode, 'InvalidCertificateOwnershipToken');
  });

  test('an empty or unknown token is refused as AWS words it', async () => {
    const { client } = await claimConnection();
    const empty = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'widgets', format: 'json' },
      {
        parameters: { SerialNumber: nextSerial() },
      },
    );
    assert.equal(empty.kind, 'rejected');
    assert.deepEqual(empty.body, {
      statusCode: 400,
      errorCode: 'InvalidCertificateOwnershipToken',
      errorMessage: 'Certificate ownership token cannot be empty.',
    });
    const unknown = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'widgets', format: 'cbor' },
      {
        certificateOwnershipToken: 'not-a-token',
      },
    );
    assert.equal(unknown.body.errorCode, 'InvalidCertificateOwnershipToken');
  });

  test('an expired token is refused, and the never-registered certificate is swept away with it', async () => {
    const { client } = await claimConnection();
    const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    const { certificateId, certificateOwnershipToken } = created.body;
    const ctx = t.emulator.context;
    const realNow = ctx.now;
    ctx.now = () => realNow() + 61 * 60 * 1000;
    try {
      const late = await ask(
        client,
        { operation: 'RegisterThing', templateName: 'widgets', format: 'json' },
        {
          certificateOwnershipToken,
          parameters: { SerialNumber: nextSerial() },
        },
      );
      assert.equal(late.kind, 'rejected');
      assert.equal(late.body.errorCode, 'InvalidCertificateOwnershipToken');
      assert.match(late.body.errorMessage, /expired/);
      const swept = sweepFleetProvisioning(ctx);
      assert.ok(swept.tokens >= 1 && swept.certificates >= 1);
    } finally {
      ctx.now = realNow;
    }
    await expectAwsError(
      () => t.iot.send(new DescribeCertificateCommand({ certificateId })),
      'ResourceNotFoundException',
      404,
    );
  });

  test('a disabled template registers nothing, and the certificate keeps waiting', async () => {
    const { client } = await claimConnection('disabled-widgets');
    const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    const sn = nextSerial();
    const answer = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'disabled-widgets', format: 'json' },
      { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: sn } },
    );
    assert.equal(answer.kind, 'rejected');
    assert.equal(answer.body.statusCode, 400);
    assert.match(answer.body.errorMessage, /disabled/);
    await expectAwsError(
      () => t.iot.send(new DescribeThingCommand({ thingName: `device-${sn}` })),
      'ResourceNotFoundException',
    );
    const cert = await t.iot.send(new DescribeCertificateCommand({ certificateId: created.body.certificateId }));
    assert.equal(cert.certificateDescription?.status, 'PENDING_ACTIVATION');

    // Enabled, the same token works: nothing of the refusal was left behind.
    await t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'disabled-widgets', enabled: true }));
    const retried = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'disabled-widgets', format: 'json' },
      { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: sn } },
    );
    assert.equal(retried.kind, 'accepted', JSON.stringify(retried.body));
    await t.iot.send(new UpdateProvisioningTemplateCommand({ templateName: 'disabled-widgets', enabled: false }));
  });

  test('a template parameter the device did not send: rejected, nothing created', async () => {
    const { client } = await claimConnection();
    const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    const answer = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'widgets', format: 'json' },
      {
        certificateOwnershipToken: created.body.certificateOwnershipToken,
      },
    );
    assert.equal(answer.kind, 'rejected');
    assert.equal(answer.body.statusCode, 400);
    assert.match(answer.body.errorMessage, /SerialNumber/);
    const cert = store().certificates.get(created.body.certificateId)!;
    assert.equal(cert.status, 'PENDING_ACTIVATION');
    assert.equal(store().thingPrincipals.keysBy('principal', cert.certificateArn).length, 0);
    assert.equal(store().policyAttachments.keysBy('target', cert.certificateArn).length, 0);
  });

  test('bad payloads and bad CSRs are InvalidPayload', async () => {
    const { client } = await claimConnection();
    const notJson = await new Promise<{ topic: string; body: unknown }>((resolve) => {
      void client.subscribeAsync('$aws/certificates/create-from-csr/json/rejected').then(() => {
        client.once('message', (topic, payload) => resolve({ topic, body: JSON.parse(payload.toString()) }));
        void client.publishAsync('$aws/certificates/create-from-csr/json', '{nope', { qos: 1 });
      });
    });
    assert.deepEqual(notJson.body, {
      statusCode: 400,
      errorCode: 'InvalidPayload',
      errorMessage: 'The request payload is not valid JSON.',
    });
    const badCsr = await ask(
      client,
      { operation: 'CreateCertificateFromCsr', format: 'cbor' },
      {
        certificateSigningRequest: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
      },
    );
    assert.equal(badCsr.kind, 'rejected');
    assert.equal(badCsr.body.errorCode, 'InvalidPayload');
    const noCsr = await ask(client, { operation: 'CreateCertificateFromCsr', format: 'json' }, {});
    assert.match(noCsr.body.errorMessage, /certificateSigningRequest is required/);
  });

  test("a claim whose policy lacks the template's topic is refused by the broker, as any topic would be", async () => {
    // The claim may provision through 'widgets' only.
    const { client } = await claimConnection('widgets');
    const granted = await client
      .subscribeAsync('$aws/provisioning-templates/hooked/provision/json/accepted')
      .catch((err: { packet?: { granted?: number[] } }) => err.packet?.granted?.map((qos) => ({ qos })));
    assert.equal((granted as { qos: number }[])[0]!.qos, 128, 'SUBACK 0x80 for the other template');
    const cut = closed(client);
    client.publish('$aws/provisioning-templates/hooked/provision/json', '{}', { qos: 1 });
    await cut; // MQTT 3.1.1: an unauthorised PUBLISH ends the connection
  });

  test('a claim policy without create-from-csr cannot use that path', async () => {
    const onlyKeys = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['iot:Publish', 'iot:Receive'],
          Resource: 'arn:aws:iot:*:*:topic/$aws/certificates/create/*',
        },
        {
          Effect: 'Allow',
          Action: 'iot:Subscribe',
          Resource: 'arn:aws:iot:*:*:topicfilter/$aws/certificates/create/*',
        },
      ],
    });
    const { client } = await claimConnection('widgets', onlyKeys);
    const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
    assert.equal(created.kind, 'accepted');
    const cut = closed(client);
    client.publish('$aws/certificates/create-from-csr/json', '{}', { qos: 1 });
    await cut;
  });

  describe('pre-provisioning hooks', () => {
    test("the hook gets AWS's payload and its parameterOverrides reach the template", async () => {
      hookCalls.length = 0;
      hookAnswer = (body) => ({
        status: 200,
        body: {
          allowProvisioning: true,
          parameterOverrides: {
            SerialNumber: `${(body.parameters as { SerialNumber: string }).SerialNumber}-approved`,
          },
        },
      });
      const { client, claim } = await claimConnection('hooked');
      const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
      const sn = nextSerial();
      const answer = await ask(
        client,
        { operation: 'RegisterThing', templateName: 'hooked', format: 'json' },
        { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: sn } },
      );
      assert.equal(answer.kind, 'accepted', JSON.stringify(answer.body));
      assert.equal(answer.body.thingName, `hooked-${sn}-approved`);
      assert.equal(hookCalls.length, 1);
      const call = hookCalls[0]!.body;
      assert.deepEqual(Object.keys(call).sort(), [
        'certificateId',
        'certificatePem',
        'claimCertificateId',
        'clientId',
        'parameters',
        'templateArn',
      ]);
      assert.equal(call.claimCertificateId, claim.certificateId);
      assert.equal(call.certificateId, created.body.certificateId);
      assert.equal(call.certificatePem, created.body.certificatePem);
      assert.equal(call.templateArn, 'arn:aws:iot:us-east-1:123456789012:provisioningtemplate/hooked');
      assert.match(call.clientId as string, /^claim-SN/);
      assert.deepEqual(call.parameters, { SerialNumber: sn });
    });

    for (const [what, answerWith] of [
      ['refuses', () => ({ status: 200, body: { allowProvisioning: false } })],
      ['fails', () => ({ status: 500, body: { errorMessage: 'boom' } })],
      ['answers something else', () => ({ status: 200, body: { allowProvisioning: 'maybe' } })],
    ] as const) {
      test(`a hook that ${what}: ACCESS_DENIED, and nothing is left behind`, async () => {
        hookAnswer = answerWith;
        const { client } = await claimConnection('hooked');
        const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'cbor' }, {});
        const sn = nextSerial();
        const answer = await ask(
          client,
          { operation: 'RegisterThing', templateName: 'hooked', format: 'cbor' },
          { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: sn } },
        );
        assert.equal(answer.kind, 'rejected');
        assert.equal(answer.body.statusCode, 403);
        assert.equal(answer.body.errorCode, 'AccessDenied');
        assert.equal(store().things.get(`hooked-${sn}`), undefined);
        const cert = store().certificates.get(created.body.certificateId)!;
        assert.equal(cert.status, 'PENDING_ACTIVATION');
        assert.equal(store().thingPrincipals.keysBy('principal', cert.certificateArn).length, 0);
        assert.equal(store().policyAttachments.keysBy('target', cert.certificateArn).length, 0);
      });
    }

    test('a hook whose function has no endpoint configured is ACCESS_DENIED', async () => {
      const { client } = await claimConnection('unmapped-hook');
      const created = await ask(client, { operation: 'CreateKeysAndCertificate', format: 'json' }, {});
      const answer = await ask(
        client,
        { operation: 'RegisterThing', templateName: 'unmapped-hook', format: 'json' },
        {
          certificateOwnershipToken: created.body.certificateOwnershipToken,
          parameters: { SerialNumber: nextSerial() },
        },
      );
      assert.equal(answer.body.errorCode, 'AccessDenied');
    });
  });
});
