/**
 * The two brokers the broker benchmark compares, each in its own process and each authorising every
 * message: the local IoT Core (devices onboarded through its control plane, a thing-scoped policy) and
 * Debian's mosquitto with TLS client certificates and an ACL that says the same thing as the policy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import { makeKeyAndCsr } from '../../emulator/test/devices';
import { spawnEmulator } from '../../emulator/test/process';
import type { Endpoint, Identity } from './broker-wire';

export const MOSQUITTO = '/usr/sbin/mosquitto';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIDBENCHBROKER', secretAccessKey: 'bench-broker-secret' };

/** Publish under bench/<own name>/..., subscribe to and receive anything under bench/. */
const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: `arn:aws:iot:${REGION}:*:client/\${iot:Connection.Thing.ThingName}`,
    },
    {
      Effect: 'Allow',
      Action: 'iot:Publish',
      Resource: `arn:aws:iot:${REGION}:*:topic/bench/\${iot:Connection.Thing.ThingName}/*`,
    },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `arn:aws:iot:${REGION}:*:topicfilter/bench/*` },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: `arn:aws:iot:${REGION}:*:topic/bench/*` },
  ],
};
/** The same rules for mosquitto: the certificate's CN (the thing name) is the user name. */
const ACL = 'pattern write bench/%u/#\npattern read bench/#\n';

export interface BenchDevices {
  publishers: Identity[];
  subscriber: Identity;
  connector: Identity;
}

export interface Target {
  name: string;
  /** The broker's process id. */
  pid?: number;
  endpoint: Endpoint;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, what: string) {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

/**
 * The local IoT Core in its own process (as `npm run emulator` runs it) with the bench devices onboarded.
 * Returns the target, the devices, and its data directory (whose PKI mosquitto reuses). `env` adds to
 * the emulator's environment (the profiler passes NODE_OPTIONS=--cpu-prof).
 */
export async function startEmulatorTarget(
  env: Record<string, string> = {},
): Promise<{ target: Target; devices: BenchDevices; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broker-'));
  const mqttPort = await freePort();
  const proc = await spawnEmulator({
    IOT_EMULATOR_DATA_DIR: dataDir,
    IOT_EMULATOR_MQTT_PORT: String(mqttPort),
    AWS_REGION: REGION,
    ...env,
  });
  // The emulator logs each refusal; the benchmark should make none. Kept (the tail) to explain a failure.
  let log = '';
  proc.child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  proc.child.stdout?.resume();
  process.on('exit', () => log && console.error(`[bench broker] emulator log tail:\n${log}`));
  const iot = new IoTClient({ endpoint: proc.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    await iot.send(new CreatePolicyCommand({ policyName: 'bench-broker', policyDocument: JSON.stringify(POLICY) }));
    const onboard = async (name: string): Promise<Identity> => {
      await iot.send(new CreateThingCommand({ thingName: name }));
      const { keyPem, csrPem } = await makeKeyAndCsr(name);
      const cert = await iot.send(
        new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
      );
      await iot.send(new AttachPolicyCommand({ policyName: 'bench-broker', target: cert.certificateArn }));
      await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: cert.certificateArn }));
      return { clientId: name, certPem: cert.certificatePem!, keyPem };
    };
    const publishers = [];
    for (let i = 0; i < 4; i++) publishers.push(await onboard(`bench-pub-${i}`));
    const devices = { publishers, subscriber: await onboard('bench-sub'), connector: await onboard('bench-conn') };
    const caPem = fs.readFileSync(path.join(dataDir, 'root-ca.pem'), 'utf8');
    return {
      dataDir,
      devices,
      target: {
        name: 'local IoT Core',
        pid: proc.child.pid,
        endpoint: { host: '127.0.0.1', port: mqttPort, caPem },
        async close() {
          proc.child.kill('SIGTERM');
          await proc.exited;
        },
      },
    };
  } finally {
    iot.destroy();
  }
}

/**
 * mosquitto with TLS client certificates (the emulator's issuing chain as its CA file, the emulator's
 * broker certificate as its own) and the ACL above; `noDelay` sets `set_tcp_nodelay true`.
 */
export async function startMosquitto(dataDir: string, noDelay: boolean): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mosquitto-'));
  const pki = path.join(dataDir, 'pki');
  const chain = path.join(dir, 'client-ca.pem');
  fs.writeFileSync(
    chain,
    fs.readFileSync(path.join(pki, 'issuing-ca.pem'), 'utf8') + fs.readFileSync(path.join(pki, 'root-ca.pem'), 'utf8'),
  );
  fs.writeFileSync(path.join(dir, 'acl'), ACL);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      'per_listener_settings false',
      'persistence false',
      // As root, mosquitto would switch to its own user, which cannot read the bench's private files.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'log_dest stderr',
      'log_type error',
      `acl_file ${path.join(dir, 'acl')}`,
      'allow_anonymous false',
      ...(noDelay ? ['set_tcp_nodelay true'] : []),
      `listener ${port} 127.0.0.1`,
      `cafile ${chain}`,
      `certfile ${path.join(pki, 'broker.pem')}`,
      `keyfile ${path.join(pki, 'broker.key')}`,
      'require_certificate true',
      'use_identity_as_username true',
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitForPort(port, child, `mosquitto (${err.trim()})`);
  } catch (e) {
    child.kill();
    throw e;
  }
  return {
    name: noDelay ? 'mosquitto (set_tcp_nodelay true)' : 'mosquitto (defaults)',
    pid: child.pid,
    endpoint: { host: '127.0.0.1', port, caPem: fs.readFileSync(path.join(dataDir, 'root-ca.pem'), 'utf8') },
    async close() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
