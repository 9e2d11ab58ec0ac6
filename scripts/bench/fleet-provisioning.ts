/**
 * Fleet provisioning benchmark: 1,000 devices provision themselves by claim, 32 at a time, against the local IoT
 * Core in its own process (durability on). Each device, holding the shared claim certificate, connects with it,
 * asks for a certificate for its own key (CreateCertificateFromCsr over MQTT), registers through the template
 * (RegisterThing: thing, attribute, policy, certificate activated), disconnects, and connects again with its new
 * certificate. Figures: devices/s, and p50/p99 from the claim's connect to the CONNACK of the first connection
 * with the new certificate.
 *
 * The devices' keys and CSRs are made before the clock starts (a device makes its key at first boot, on its own
 * hardware; here they would share the bench's one core with 32 MQTT clients). CreateKeysAndCertificate is not the
 * measured path: its RSA-2048 key generation (about 100 ms of CPU each, as the emulator bench shows) is what AWS
 * does on its own fleet of machines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  AttachPolicyCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateProvisioningTemplateCommand,
  IoTClient,
  ListThingsCommand,
} from '@aws-sdk/client-iot';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { spawnEmulator } from '../../emulator/test/process';
import { createCertificateFromCsrTopic, registerThingTopic } from '../../lib/mqtt/reserved-topics';
import { generateDeviceKeys } from '../../lib/pki/browser-keys';
import { claimPolicyDocument } from '../../lib/provisioning/claim-policy';
import { freePort } from './broker-targets';
import { type Figure, percentile } from './report';

const REGION = 'us-east-1';
const TEMPLATE = 'bench-fleet';
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

const DEVICE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}' },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: 'arn:aws:iot:*:*:topic/${iot:Connection.Thing.ThingName}/*' },
  ],
});

const TEMPLATE_BODY = JSON.stringify({
  Parameters: { SerialNumber: { Type: 'String' }, 'AWS::IoT::Certificate::Id': { Type: 'String' } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { 'Fn::Join': ['', ['bench-', { Ref: 'SerialNumber' }]] },
        AttributePayload: { serial: { Ref: 'SerialNumber' } },
      },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'bench-fleet-device' } },
  },
});

interface Endpoint {
  port: number;
  caPem: string;
}

/**
 * One device connection over mutual TLS to 127.0.0.1 (no name lookup per connect), verifying the broker as
 * `localhost`. `context` is the client's TLS context: the claim's is made once and shared, as the claim is the
 * same on every device; a device's own is made when it first connects with its new certificate.
 */
function connect(endpoint: Endpoint, clientId: string, context: tls.SecureContext): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    // mqtt.js hands these options to tls.connect, which takes a secureContext (mqtt.js's types omit it).
    const options: IClientOptions & { secureContext: tls.SecureContext } = {
      protocol: 'mqtts',
      host: '127.0.0.1',
      port: endpoint.port,
      servername: 'localhost',
      secureContext: context,
      clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    };
    const client = mqtt.connect(options);
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error(`${clientId}: connection closed before CONNACK`)));
  });
}

/** Publishes and resolves with the answer: the accepted body, or throws the rejected one. */
function ask(client: MqttClient, request: string, body: object): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== `${request}/accepted` && topic !== `${request}/rejected`) return;
      client.off('message', onMessage);
      const doc = JSON.parse(payload.toString()) as Record<string, string>;
      if (topic.endsWith('/accepted')) resolve(doc);
      else reject(new Error(`${request}: ${doc.errorCode}: ${doc.errorMessage}`));
    };
    client.on('message', onMessage);
    client.publish(request, JSON.stringify(body), { qos: 1 }, (err) => err && reject(err));
  });
}

export async function benchFleetProvisioning(opts: { quick: boolean }): Promise<Figure[]> {
  const devices = opts.quick ? 200 : 1000;
  const concurrency = 32;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-'));
  const mqttPort = await freePort();
  const proc = await spawnEmulator({
    IOT_EMULATOR_DATA_DIR: dataDir,
    IOT_EMULATOR_MQTT_PORT: String(mqttPort),
    AWS_REGION: REGION,
  });
  let log = '';
  proc.child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  proc.child.stdout?.resume();
  const iot = new IoTClient({ endpoint: proc.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    await iot.send(new CreatePolicyCommand({ policyName: 'bench-fleet-device', policyDocument: DEVICE_POLICY }));
    await iot.send(
      new CreateProvisioningTemplateCommand({
        templateName: TEMPLATE,
        templateBody: TEMPLATE_BODY,
        provisioningRoleArn: 'arn:aws:iam::123456789012:role/Provisioning',
        enabled: true,
      }),
    );
    await iot.send(
      new CreatePolicyCommand({
        policyName: 'bench-fleet-claim',
        policyDocument: claimPolicyDocument({ templateName: TEMPLATE, region: REGION, accountId: '123456789012' }),
      }),
    );
    // The factory's claim: an EC key made here, its certificate from a CSR, the template's claim policy.
    const claimKeys = await generateDeviceKeys('bench-fleet-claim');
    const claim = await iot.send(
      new CreateCertificateFromCsrCommand({ certificateSigningRequest: claimKeys.csrPem, setAsActive: true }),
    );
    await iot.send(new AttachPolicyCommand({ policyName: 'bench-fleet-claim', target: claim.certificateArn }));
    const endpoint: Endpoint = { port: mqttPort, caPem: fs.readFileSync(path.join(dataDir, 'root-ca.pem'), 'utf8') };
    const claimContext = tls.createSecureContext({
      cert: claim.certificatePem!,
      key: claimKeys.privateKeyPem,
      ca: endpoint.caPem,
    });

    console.log(`[bench fleet] making ${devices} device keys and CSRs (before the clock starts)`);
    const keys: Awaited<ReturnType<typeof generateDeviceKeys>>[] = [];
    for (let i = 0; i < devices; i++) keys.push(await generateDeviceKeys(`bench-${i}`));

    const csrTopic = createCertificateFromCsrTopic('json');
    const registerTopic = registerThingTopic(TEMPLATE, 'json');
    const answers = [
      createCertificateFromCsrTopic('json', 'accepted'),
      createCertificateFromCsrTopic('json', 'rejected'),
      registerThingTopic(TEMPLATE, 'json', 'accepted'),
      registerThingTopic(TEMPLATE, 'json', 'rejected'),
    ];
    const latencies: number[] = [];
    const failures: string[] = [];
    const provisionOne = async (i: number) => {
      const serial = String(i).padStart(5, '0');
      const t0 = performance.now();
      const claimed = await connect(endpoint, `claim-${serial}`, claimContext);
      let cert: Record<string, string>;
      let thingName: string;
      try {
        await claimed.subscribeAsync(answers, { qos: 1 });
        cert = await ask(claimed, csrTopic, { certificateSigningRequest: keys[i]!.csrPem });
        const registered = await ask(claimed, registerTopic, {
          certificateOwnershipToken: cert.certificateOwnershipToken,
          parameters: { SerialNumber: serial },
        });
        thingName = registered.thingName!;
      } finally {
        await claimed.endAsync();
      }
      const own = tls.createSecureContext({
        cert: cert.certificatePem!,
        key: keys[i]!.privateKeyPem,
        ca: endpoint.caPem,
      });
      const device = await connect(endpoint, thingName, own);
      latencies.push(performance.now() - t0);
      device.end(true);
    };

    const cpu = (pid: number) => {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    };
    const emuCpu0 = cpu(proc.child.pid!);
    const benchCpu0 = process.cpuUsage();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < devices) {
          const i = next++;
          await provisionOne(i).catch((err: Error) => failures.push(`device ${i}: ${err.message}`));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const emuCpuMs = cpu(proc.child.pid!) - emuCpu0;
    const benchCpu = process.cpuUsage(benchCpu0);
    console.log(
      `[bench fleet] CPU per device: emulator ${(emuCpuMs / devices).toFixed(2)} ms, bench ${((benchCpu.user + benchCpu.system) / 1000 / devices).toFixed(2)} ms`,
    );
    if (failures.length) throw new Error(`${failures.length} devices failed, e.g. ${failures.slice(0, 3).join('; ')}`);

    // Every device is a thing now.
    let things = 0;
    let nextToken: string | undefined;
    do {
      const page = await iot.send(new ListThingsCommand({ maxResults: 250, nextToken }));
      things += page.things?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
    if (things !== devices) throw new Error(`expected ${devices} things after the run, found ${things}`);

    latencies.sort((a, b) => a - b);
    const rate = devices / seconds;
    console.log(
      `[bench fleet] ${devices} devices in ${seconds.toFixed(1)} s at concurrency ${concurrency}: ${rate.toFixed(1)} devices/s, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    return [
      {
        key: 'fleet.devices_per_s',
        label: `devices provisioned by claim/s (${devices}, concurrency ${concurrency})`,
        value: rate,
        unit: 'dev/s',
        better: 'higher',
        goal: 100,
      },
      {
        key: 'fleet.claim_to_connect.p50_ms',
        label: 'claim connect -> first connect with own certificate, p50',
        value: percentile(latencies, 50),
        unit: 'ms',
        better: 'lower',
      },
      {
        key: 'fleet.claim_to_connect.p99_ms',
        label: 'claim connect -> first connect with own certificate, p99',
        value: percentile(latencies, 99),
        unit: 'ms',
        better: 'lower',
      },
    ];
  } catch (err) {
    if (log) console.error(`[bench fleet] emulator log tail:\n${log}`);
    throw err;
  } finally {
    iot.destroy();
    proc.child.kill('SIGTERM');
    await proc.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
