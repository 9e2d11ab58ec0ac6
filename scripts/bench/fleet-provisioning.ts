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
import { spawnEmulator } from '../../emulator/test/process';
import { createCertificateFromCsrTopic, registerThingTopic } from '../../lib/mqtt/reserved-topics';
import { generateDeviceKeys } from '../../lib/pki/browser-keys';
import { claimPolicyDocument } from '../../lib/provisioning/claim-policy';
import { freePort } from './broker-targets';
import { FleetWireClient } from './fleet-wire';
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

/** CPU time (user + system) another process has used, in ms: /proc/<pid>/stat in clock ticks (USER_HZ, 100). */
function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN; // not Linux: the figure is left out of the comparison
  }
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
    const caPem = fs.readFileSync(path.join(dataDir, 'root-ca.pem'), 'utf8');
    // The claim is the same on every device: its TLS context is made once.
    const claimContext = tls.createSecureContext({
      cert: claim.certificatePem!,
      key: claimKeys.privateKeyPem,
      ca: caPem,
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
      const claimed = await FleetWireClient.connect(mqttPort, claimContext, `claim-${serial}`);
      let cert: Record<string, string>;
      let thingName: string;
      try {
        await claimed.subscribe(answers);
        cert = await claimed.ask(csrTopic, { certificateSigningRequest: keys[i]!.csrPem });
        const registered = await claimed.ask(registerTopic, {
          certificateOwnershipToken: cert.certificateOwnershipToken,
          parameters: { SerialNumber: serial },
        });
        thingName = registered.thingName!;
      } finally {
        await claimed.close();
      }
      const own = tls.createSecureContext({ cert: cert.certificatePem!, key: keys[i]!.privateKeyPem, ca: caPem });
      const device = await FleetWireClient.connect(mqttPort, own, thingName);
      latencies.push(performance.now() - t0);
      await device.close();
    };

    const emuCpu0 = processCpuMs(proc.child.pid!);
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
    // CPU time per device, which the machine's other load changes far less than the rate: what one device costs
    // the emulator (its process) and the 32 simulated devices (this one).
    const emulatorCpuMs = (processCpuMs(proc.child.pid!) - emuCpu0) / devices;
    const benchCpu = process.cpuUsage(benchCpu0);
    const devicesCpuMs = (benchCpu.user + benchCpu.system) / 1000 / devices;
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
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
        `CPU per device: emulator ${emulatorCpuMs.toFixed(2)} ms, simulated devices ${devicesCpuMs.toFixed(2)} ms; ` +
        `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
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
      {
        key: 'fleet.emulator_cpu_per_device_ms',
        label: 'emulator CPU per device provisioned',
        value: emulatorCpuMs,
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
