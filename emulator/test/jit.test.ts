import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  GetRegistrationCodeCommand,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListThingGroupsForThingCommand,
  RegisterCACertificateCommand,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { defaultJitpTemplate } from '../../lib/provisioning/default-template';
import type { BusMessage } from '../broker/bus';
import { onUnregisteredCertificate, registeredEventTopic, type CertificateRegisteredEvent } from '../iot/jit';
import { makeCa, makeCertificate, type TestCa } from '../pki/fixtures';
import { certificateIdOf, parseCertificatePem } from '../pki/certificates';
import type { CaCertificateRecord } from '../store/records';
import { ALLOW_ALL, connectDevice, nextMessage, onboardDevice } from './devices';
import { startTestEmulator, type TestEmulator } from './harness';

/**
 * Just-in-time registration (JITR) and provisioning (JITP): a fleet with its own CA (as in the Raspberry
 * Pi guide) registers the CA with auto-registration on; devices then appear on first connection.
 */

const idOf = (pem: string) => certificateIdOf(parseCertificatePem(pem).der);

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
}

describe('just-in-time registration and provisioning', () => {
  let t: TestEmulator;
  let code: string;
  const events: BusMessage[] = [];
  let unlisten: () => void;

  before(async () => {
    t = await startTestEmulator();
    code = (await t.iot.send(new GetRegistrationCodeCommand({}))).registrationCode!;
    unlisten = t.emulator.context.bus.onMessage((m) => {
      if (m.topic.startsWith('$aws/events/certificates/registered/')) events.push(m);
    });
  });
  after(async () => {
    unlisten();
    await t.close();
  });

  /** Registers a fresh CA the way the AWS guide does: with a verification certificate. */
  async function registerCa(
    opts: { autoRegistration?: boolean; active?: boolean; templateBody?: string; name?: string } = {},
  ) {
    const ca = await makeCa(opts.name ?? `CN=Fleet CA ${Math.random().toString(36).slice(2)}, O=Acme`);
    const verification = await makeCertificate(ca, { name: `CN=${code}` });
    const out = await t.iot.send(
      new RegisterCACertificateCommand({
        caCertificate: ca.pem,
        verificationCertificate: verification.pem,
        setAsActive: opts.active ?? true,
        allowAutoRegistration: opts.autoRegistration ?? true,
        registrationConfig: opts.templateBody ? { templateBody: opts.templateBody } : undefined,
      }),
    );
    return { ca, caId: out.certificateId! };
  }

  const caRecord = (caId: string): CaCertificateRecord => t.emulator.context.store.c.caCertificates.get(caId)!;
  const eventsFor = (certificateId: string) =>
    events.filter(
      (m) => (JSON.parse(m.payload.toString()) as CertificateRegisteredEvent).certificateId === certificateId,
    );
  const device = (ca: TestCa, cn: string, extra = '') => makeCertificate(ca, { name: `CN=${cn}${extra}` });

  describe('JITR (no template)', () => {
    test('registers the certificate as PENDING_ACTIVATION, publishes the registered event and refuses', async () => {
      const { ca, caId } = await registerCa();
      const leaf = await device(ca, 'jitr-1');
      const id = idOf(leaf.pem);
      const before = Date.now();
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'refused');
      assert.match((outcome as { reason: string }).reason, /PENDING_ACTIVATION/);

      const described = await t.iot.send(new DescribeCertificateCommand({ certificateId: id }));
      assert.equal(described.certificateDescription!.status, 'PENDING_ACTIVATION');
      assert.equal(described.certificateDescription!.caCertificateId, caId);

      const [event, ...more] = eventsFor(id);
      assert.equal(more.length, 0);
      assert.equal(event!.topic, registeredEventTopic(caId));
      const body = JSON.parse(event!.payload.toString()) as CertificateRegisteredEvent;
      assert.deepEqual(Object.keys(body).sort(), [
        'awsAccountId',
        'caCertificateId',
        'certificateId',
        'certificateRegistrationTimestamp',
        'certificateStatus',
        'timestamp',
      ]);
      assert.equal(body.caCertificateId, caId);
      assert.equal(body.certificateStatus, 'PENDING_ACTIVATION');
      assert.equal(body.awsAccountId, t.emulator.config.accountId);
      // Epoch milliseconds, as AWS's events carry them.
      assert.ok(body.timestamp >= before && body.timestamp <= Date.now() + 1);
      assert.match(body.certificateRegistrationTimestamp, /^\d{13}$/);
    });

    test('a second attempt with the still-pending certificate is refused again and re-announced, not re-registered', async () => {
      const { ca, caId } = await registerCa();
      const leaf = await device(ca, 'jitr-2');
      const id = idOf(leaf.pem);
      await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      const first = t.emulator.context.store.c.certificates.get(id)!;
      const again = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(again.kind, 'refused');
      assert.deepEqual(t.emulator.context.store.c.certificates.get(id), first);
      const bodies = eventsFor(id).map((m) => JSON.parse(m.payload.toString()) as CertificateRegisteredEvent);
      assert.equal(bodies.length, 2);
      assert.equal(bodies[1]!.certificateRegistrationTimestamp, bodies[0]!.certificateRegistrationTimestamp);
    });

    test('once activated the certificate is let in', async () => {
      const { ca, caId } = await registerCa();
      const leaf = await device(ca, 'jitr-3');
      const id = idOf(leaf.pem);
      await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      await t.iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'ACTIVE' }));
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'provisioned');
    });

    test('a CA without auto-registration, or an inactive CA, registers nothing', async () => {
      for (const opts of [{ autoRegistration: false }, { active: false }]) {
        const { ca, caId } = await registerCa(opts);
        const leaf = await device(ca, 'never');
        const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
        assert.equal(outcome.kind, 'refused');
        assert.match((outcome as { reason: string }).reason, opts.active === false ? /INACTIVE/ : /auto-registration/);
        assert.equal(t.emulator.context.store.c.certificates.get(idOf(leaf.pem)), undefined);
        assert.equal(eventsFor(idOf(leaf.pem)).length, 0);
      }
    });

    test('a certificate another CA signed is refused without registering', async () => {
      const { caId } = await registerCa();
      const stranger = await makeCa('CN=Stranger CA');
      const leaf = await device(stranger, 'intruder');
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'refused');
      assert.equal(t.emulator.context.store.c.certificates.get(idOf(leaf.pem)), undefined);
    });
  });

  describe('JITP (CA with a provisioning template)', () => {
    test('the default template makes the thing and its policy, attaches both and activates the certificate', async () => {
      const { ca, caId } = await registerCa({ templateBody: defaultJitpTemplate({ policyName: 'JitpThingPolicy' }) });
      const leaf = await device(ca, 'rpi0-001', ', O=Acme');
      const id = idOf(leaf.pem);
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'provisioned');
      assert.equal((outcome as { certificate: { status: string } }).certificate.status, 'ACTIVE');

      const cert = (await t.iot.send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription!;
      assert.equal(cert.status, 'ACTIVE');
      assert.equal(cert.caCertificateId, caId);
      const thing = await t.iot.send(new DescribeThingCommand({ thingName: 'rpi0-001' }));
      assert.equal(thing.thingName, 'rpi0-001');
      const things = await t.iot.send(new ListPrincipalThingsCommand({ principal: cert.certificateArn }));
      assert.deepEqual(things.things, ['rpi0-001']);
      const policies = await t.iot.send(new ListAttachedPoliciesCommand({ target: cert.certificateArn }));
      assert.deepEqual(
        policies.policies!.map((p) => p.policyName),
        ['JitpThingPolicy'],
      );
      const policy = await t.iot.send(new GetPolicyCommand({ policyName: 'JitpThingPolicy' }));
      assert.match(policy.policyDocument!, /client\/\$\{iot:Connection\.Thing\.ThingName\}/);

      const [event] = eventsFor(id);
      assert.equal((JSON.parse(event!.payload.toString()) as CertificateRegisteredEvent).certificateStatus, 'ACTIVE');
    });

    test('a second device reuses the inline policy; a device whose thing exists joins it', async () => {
      const { ca, caId } = await registerCa({ templateBody: defaultJitpTemplate() });
      await t.iot.send(
        new CreateThingCommand({ thingName: 'pre-made', attributePayload: { attributes: { site: 'x' } } }),
      );
      const a = await device(ca, 'pre-made');
      const b = await device(ca, 'fresh-one');
      assert.equal((await onUnregisteredCertificate(t.emulator.context, a.pem, caRecord(caId))).kind, 'provisioned');
      assert.equal((await onUnregisteredCertificate(t.emulator.context, b.pem, caRecord(caId))).kind, 'provisioned');
      const thing = await t.iot.send(new DescribeThingCommand({ thingName: 'pre-made' }));
      assert.deepEqual(thing.attributes, { site: 'x' });
      const arnA = t.emulator.context.store.c.certificates.get(idOf(a.pem))!.certificateArn;
      const arnB = t.emulator.context.store.c.certificates.get(idOf(b.pem))!.certificateArn;
      const pa = (await t.iot.send(new ListAttachedPoliciesCommand({ target: arnA }))).policies!;
      const pb = (await t.iot.send(new ListAttachedPoliciesCommand({ target: arnB }))).policies!;
      assert.equal(pa.length, 1);
      assert.equal(pa[0]!.policyName, pb[0]!.policyName);
      assert.match(pa[0]!.policyName!, /^[0-9a-f]{64}$/);
    });

    test('attributes, thing groups and a named existing policy come from the template', async () => {
      await t.iot.send(new CreateThingGroupCommand({ thingGroupName: 'rpi-fleet' }));
      await t.iot.send(
        new CreatePolicyCommand({ policyName: 'FleetShared', policyDocument: JSON.stringify(ALLOW_ALL) }),
      );
      const templateBody = JSON.stringify({
        Parameters: {
          'AWS::IoT::Certificate::CommonName': { Type: 'String' },
          'AWS::IoT::Certificate::Organization': { Type: 'String' },
          'AWS::IoT::Certificate::Id': { Type: 'String' },
        },
        Resources: {
          thing: {
            Type: 'AWS::IoT::Thing',
            Properties: {
              ThingName: { 'Fn::Join': ['_', ['rpi', { Ref: 'AWS::IoT::Certificate::CommonName' }]] },
              AttributePayload: { org: { Ref: 'AWS::IoT::Certificate::Organization' } },
              ThingGroups: ['rpi-fleet'],
            },
          },
          certificate: {
            Type: 'AWS::IoT::Certificate',
            Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
          },
          policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'FleetShared' } },
        },
      });
      const { ca, caId } = await registerCa({ templateBody });
      const leaf = await device(ca, 'n7', ', O=Acme');
      assert.equal((await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId))).kind, 'provisioned');
      const thing = await t.iot.send(new DescribeThingCommand({ thingName: 'rpi_n7' }));
      assert.deepEqual(thing.attributes, { org: 'Acme' });
      const groups = await t.iot.send(new ListThingGroupsForThingCommand({ thingName: 'rpi_n7' }));
      assert.deepEqual(
        groups.thingGroups!.map((g) => g.groupName),
        ['rpi-fleet'],
      );
    });

    test('a template error refuses the device and leaves only the certificate, PENDING_ACTIVATION; a fixed template provisions it next time', async () => {
      const broken = JSON.stringify({
        Parameters: { 'AWS::IoT::Certificate::CommonName': { Type: 'String' } },
        Resources: {
          thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' } } },
          policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'DoesNotExist' } },
        },
      });
      const logs: string[] = [];
      const log = t.emulator.config.log;
      t.emulator.config.log = (line) => logs.push(line);
      const { ca, caId } = await registerCa({ templateBody: broken });
      const leaf = await device(ca, 'half-made');
      const id = idOf(leaf.pem);
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      t.emulator.config.log = log;
      assert.equal(outcome.kind, 'refused');
      assert.match((outcome as { reason: string }).reason, /Policy DoesNotExist does not exist/);
      assert.ok(
        logs.some((l) => /DoesNotExist/.test(l)),
        logs.join('\n'),
      );
      assert.equal(t.emulator.context.store.c.certificates.get(id)!.status, 'PENDING_ACTIVATION');
      assert.equal(t.emulator.context.store.c.things.get('half-made'), undefined);
      assert.equal(t.emulator.context.store.c.thingPrincipals.findBy('thing', 'half-made').length, 0);

      await t.iot.send(
        new UpdateCACertificateCommand({
          certificateId: caId,
          registrationConfig: { templateBody: defaultJitpTemplate() },
        }),
      );
      const retry = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(retry.kind, 'provisioned');
      assert.equal(t.emulator.context.store.c.certificates.get(id)!.status, 'ACTIVE');
      assert.ok(t.emulator.context.store.c.things.get('half-made'));
    });

    test('a template naming another certificate is refused', async () => {
      const templateBody = JSON.stringify({
        Resources: {
          c: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: 'b'.repeat(64), Status: 'ACTIVE' } },
        },
      });
      const { ca, caId } = await registerCa({ templateBody });
      const leaf = await device(ca, 'other-cert');
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'refused');
      assert.match((outcome as { reason: string }).reason, /names certificate b{64}, not the device's/);
    });

    test("JITP obeys the registry's own rules: a thing group that does not exist refuses the device and leaves nothing but the pending certificate", async () => {
      const templateBody = JSON.stringify({
        Parameters: { 'AWS::IoT::Certificate::CommonName': { Type: 'String' } },
        Resources: {
          thing: {
            Type: 'AWS::IoT::Thing',
            Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' }, ThingGroups: ['no-such-group'] },
          },
          policy: {
            Type: 'AWS::IoT::Policy',
            Properties: { PolicyName: 'GroupRulePolicy', PolicyDocument: JSON.stringify(ALLOW_ALL) },
          },
        },
      });
      const { ca, caId } = await registerCa({ templateBody });
      const leaf = await device(ca, 'group-less');
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'refused');
      assert.match((outcome as { reason: string }).reason, /Thing group no-such-group cannot be found/);
      const store = t.emulator.context.store;
      assert.equal(store.c.certificates.get(idOf(leaf.pem))!.status, 'PENDING_ACTIVATION');
      assert.equal(store.c.things.get('group-less'), undefined);
      assert.equal(store.c.policies.get('GroupRulePolicy'), undefined);
    });

    test('a template that sets the certificate INACTIVE creates the resources but refuses the device', async () => {
      const templateBody = JSON.stringify({
        Parameters: { 'AWS::IoT::Certificate::Id': { Type: 'String' } },
        Resources: {
          c: {
            Type: 'AWS::IoT::Certificate',
            Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'INACTIVE' },
          },
        },
      });
      const { ca, caId } = await registerCa({ templateBody });
      const leaf = await device(ca, 'held-back');
      const outcome = await onUnregisteredCertificate(t.emulator.context, leaf.pem, caRecord(caId));
      assert.equal(outcome.kind, 'refused');
      assert.equal(t.emulator.context.store.c.certificates.get(idOf(leaf.pem))!.status, 'INACTIVE');
    });
  });

  describe('over MQTT with mutual TLS', () => {
    let observer: MqttClient;
    before(async () => {
      const creds = await onboardDevice(t, 'jit-observer', { name: 'JitObserverAllowAll', document: ALLOW_ALL });
      observer = await connectDevice(t, creds, 'jit-observer');
      await observer.subscribeAsync('$aws/events/certificates/registered/+', { qos: 1 });
    });
    after(() => observer?.end(true));

    test('JITR: refused, PENDING_ACTIVATION and announced; activated and given a policy, it connects', async () => {
      const { ca, caId } = await registerCa();
      const leaf = await device(ca, 'mqtt-jitr');
      const id = idOf(leaf.pem);
      const creds = { certPem: leaf.pem, keyPem: await keyPem(leaf.keys), caPem: t.emulator.rootCaPem };
      const announced = nextMessage(observer, registeredEventTopic(caId), 5000);
      await assert.rejects(connectDevice(t, creds, 'mqtt-jitr'));
      const event = JSON.parse((await announced).payload.toString()) as CertificateRegisteredEvent;
      assert.equal(event.certificateId, id);
      assert.equal(event.certificateStatus, 'PENDING_ACTIVATION');
      const cert = (await t.iot.send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription!;
      assert.equal(cert.status, 'PENDING_ACTIVATION');

      // What a JITR rule's Lambda does: activate and attach a policy.
      await t.iot.send(new UpdateCertificateCommand({ certificateId: id, newStatus: 'ACTIVE' }));
      await t.iot.send(new AttachPolicyCommand({ policyName: 'JitObserverAllowAll', target: cert.certificateArn }));
      const client = await connectDevice(t, creds, 'mqtt-jitr');
      client.end(true);
    });

    test('JITP: connects on the first try, with its thing, policy and an ACTIVE certificate', async () => {
      const { ca, caId } = await registerCa({ templateBody: defaultJitpTemplate({ policyName: 'MqttJitpPolicy' }) });
      const leaf = await device(ca, 'mqtt-jitp');
      const id = idOf(leaf.pem);
      const creds = { certPem: leaf.pem, keyPem: await keyPem(leaf.keys), caPem: t.emulator.rootCaPem };
      const client = await connectDevice(t, creds, 'mqtt-jitp');
      try {
        const cert = (await t.iot.send(new DescribeCertificateCommand({ certificateId: id }))).certificateDescription!;
        assert.equal(cert.status, 'ACTIVE');
        assert.equal(cert.caCertificateId, caId);
        assert.equal((await t.iot.send(new DescribeThingCommand({ thingName: 'mqtt-jitp' }))).thingName, 'mqtt-jitp');
        const policies = await t.iot.send(new ListAttachedPoliciesCommand({ target: cert.certificateArn }));
        assert.deepEqual(
          policies.policies!.map((p) => p.policyName),
          ['MqttJitpPolicy'],
        );
        // The thing-scoped policy lets it use its own topics.
        await client.subscribeAsync('mqtt-jitp/echo', { qos: 1 });
        const echoed = nextMessage(client, 'mqtt-jitp/echo');
        await client.publishAsync('mqtt-jitp/echo', 'hello', { qos: 1 });
        assert.equal((await echoed).payload.toString(), 'hello');
      } finally {
        client.end(true);
      }
    });
  });
});
