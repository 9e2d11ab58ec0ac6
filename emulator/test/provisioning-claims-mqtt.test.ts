import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateProvisioningClaimCommand } from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { generateDeviceKeys } from '../../lib/pki/browser-keys';
import { sweepFleetProvisioning } from '../iot/fleet-provisioning';
import { closed, connectDevice } from './devices';
import { ask } from './fleet-client';
import { createFleetTemplate } from './fleet-fixtures';
import { startTestEmulator, type TestEmulator } from './harness';

/**
 * Provisioning by trusted user: CreateProvisioningClaim's certificate lets a device reach its template's fleet
 * provisioning topics, and nothing else, for five minutes.
 */
describe('provisioning claims (trusted user) over MQTT', () => {
  let t: TestEmulator;
  const clients: MqttClient[] = [];

  before(async () => {
    t = await startTestEmulator();
    await createFleetTemplate(t, 'installer');
    await createFleetTemplate(t, 'other');
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await t.close();
  });

  async function claim() {
    const out = await t.iot.send(new CreateProvisioningClaimCommand({ templateName: 'installer' }));
    return {
      certificateId: out.certificateId!,
      certPem: out.certificatePem!,
      keyPem: out.keyPair!.PrivateKey!,
      caPem: t.emulator.rootCaPem,
    };
  }

  test('a claim provisions a device through its template', async () => {
    const creds = await claim();
    const client = await connectDevice(t, creds, 'installer-app-1');
    clients.push(client);
    const keys = await generateDeviceKeys('kiosk');
    const created = await ask(
      client,
      { operation: 'CreateCertificateFromCsr', format: 'json' },
      { certificateSigningRequest: keys.csrPem },
    );
    assert.equal(created.kind, 'accepted', JSON.stringify(created.body));
    const registered = await ask(
      client,
      { operation: 'RegisterThing', templateName: 'installer', format: 'json' },
      { certificateOwnershipToken: created.body.certificateOwnershipToken, parameters: { SerialNumber: 'K1' } },
    );
    assert.equal(registered.kind, 'accepted', JSON.stringify(registered.body));
    const device = await connectDevice(
      t,
      { certPem: created.body.certificatePem, keyPem: keys.privateKeyPem, caPem: t.emulator.rootCaPem },
      'device-K1',
    );
    clients.push(device);
  });

  test("a claim reaches only its template's topics", async () => {
    const client = await connectDevice(t, await claim(), 'installer-app-2');
    clients.push(client);
    const granted = await client
      .subscribeAsync(['$aws/provisioning-templates/other/provision/json/accepted', 'devices/#'])
      .catch((err: { packet?: { granted?: number[] } }) => err.packet?.granted?.map((qos) => ({ qos })));
    assert.deepEqual(
      (granted as { qos: number }[]).map((g) => g.qos),
      [128, 128],
    );
    const cut = closed(client);
    client.publish('devices/kiosk/telemetry', '{}', { qos: 1 });
    await cut;
  });

  test('a claim past five minutes is refused in the handshake, and a live claim session loses its rights', async () => {
    const creds = await claim();
    const client = await connectDevice(t, creds, 'installer-app-3');
    clients.push(client);
    const ctx = t.emulator.context;
    const realNow = ctx.now;
    ctx.now = () => realNow() + 5 * 60 * 1000 + 1000;
    try {
      await assert.rejects(connectDevice(t, creds, 'installer-app-3b'));
      assert.ok(sweepFleetProvisioning(ctx).claims >= 1, 'the expired claim is swept');
      const cut = closed(client);
      client.publish('$aws/certificates/create/json', '', { qos: 1 });
      await cut;
    } finally {
      ctx.now = realNow;
    }
    // Swept, the claim is gone for good: even at the real time it is no longer let in.
    await assert.rejects(connectDevice(t, creds, 'installer-app-3c'));
  });

  test('with a shorter claim life configured, a claim connection ends when the claim does, and is refused after', async () => {
    const short = await startTestEmulator({ provisioningClaimSeconds: 2 });
    try {
      await createFleetTemplate(short, 'installer');
      const out = await short.iot.send(new CreateProvisioningClaimCommand({ templateName: 'installer' }));
      const lasts = out.expiration!.getTime() - Date.now();
      assert.ok(lasts > 0 && lasts <= 2500, `the claim lasts ${lasts} ms`);
      const creds = { certPem: out.certificatePem!, keyPem: out.keyPair!.PrivateKey!, caPem: short.emulator.rootCaPem };
      const client = await connectDevice(short, creds, 'installer-app-4');
      clients.push(client);
      await closed(client, 5000);
      await assert.rejects(connectDevice(short, creds, 'installer-app-4b'));
    } finally {
      await short.close();
    }
  });
});
