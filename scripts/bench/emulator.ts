/**
 * Emulator benchmark: p50/p99 per control-plane operation and the rate of full onboarding sequences
 * (CreateThing + CreateCertificateFromCsr + AttachPolicy + AttachThingPrincipal) at concurrency 1 and 16,
 * with durability on (journal under a temp data dir). The emulator runs in its own process so client
 * and server each get a core, as they would in a real bulk run.
 */
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
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { x509 } from '../../lib/pki/x509';
import { spawnEmulator } from '../../emulator/test/process';
import { percentile, type Figure } from './report';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish'], Resource: '*' }],
});

async function makeCsrs(n: number): Promise<string[]> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const keys = (await crypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=bench-${i}`,
      keys,
      signingAlgorithm: alg,
    });
    out.push(csr.toString('pem'));
  }
  return out;
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function benchEmulator(opts: { quick: boolean }): Promise<Figure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-emulator-'));
  const proc = await spawnEmulator({ IOT_EMULATOR_DATA_DIR: dataDir });
  const iot = new IoTClient({
    endpoint: proc.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  const figures: Figure[] = [];
  const n = opts.quick ? 50 : 200;
  try {
    const seqCount = opts.quick ? 300 : 1000;
    const csrs = await makeCsrs(n + seqCount + 200);
    let csrIdx = 0;
    await iot.send(new CreatePolicyCommand({ policyName: 'bench-policy', policyDocument: POLICY }));

    const latency = async (op: string, count: number, fn: (i: number) => Promise<unknown>) => {
      const times = await timeEach(count, fn);
      figures.push(
        { key: `emulator.${op}.p50_ms`, label: `${op} p50`, value: percentile(times, 50), unit: 'ms', better: 'lower' },
        { key: `emulator.${op}.p99_ms`, label: `${op} p99`, value: percentile(times, 99), unit: 'ms', better: 'lower' },
      );
    };
    const certs: { arn: string; id: string }[] = [];
    await latency('CreateThing', n, (i) => iot.send(new CreateThingCommand({ thingName: `lat-${i}` })));
    await latency('DescribeThing', n, (i) => iot.send(new DescribeThingCommand({ thingName: `lat-${i}` })));
    await latency('UpdateThing', n, (i) =>
      iot.send(new UpdateThingCommand({ thingName: `lat-${i}`, attributePayload: { attributes: { k: 'v' } } })),
    );
    await latency('ListThings', Math.min(n, 100), () => iot.send(new ListThingsCommand({ maxResults: 100 })));
    await latency('CreateCertificateFromCsr', n, async () => {
      const out = await iot.send(
        new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrs[csrIdx++], setAsActive: true }),
      );
      certs.push({ arn: out.certificateArn!, id: out.certificateId! });
    });
    await latency('CreateKeysAndCertificate', opts.quick ? 10 : 30, () =>
      iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true })),
    );
    await latency('DescribeCertificate', n, (i) =>
      iot.send(new DescribeCertificateCommand({ certificateId: certs[i]!.id })),
    );
    await latency('GetPolicy', n, () => iot.send(new GetPolicyCommand({ policyName: 'bench-policy' })));
    await latency('AttachPolicy', n, (i) =>
      iot.send(new AttachPolicyCommand({ policyName: 'bench-policy', target: certs[i]!.arn })),
    );
    await latency('AttachThingPrincipal', n, (i) =>
      iot.send(new AttachThingPrincipalCommand({ thingName: `lat-${i}`, principal: certs[i]!.arn })),
    );
    await latency('ListThingPrincipals', n, (i) => iot.send(new ListThingPrincipalsCommand({ thingName: `lat-${i}` })));
    await latency('DetachThingPrincipal', n, (i) =>
      iot.send(new DetachThingPrincipalCommand({ thingName: `lat-${i}`, principal: certs[i]!.arn })),
    );
    await latency('DetachPolicy', n, (i) =>
      iot.send(new DetachPolicyCommand({ policyName: 'bench-policy', target: certs[i]!.arn })),
    );
    await latency('UpdateCertificate', n, (i) =>
      iot.send(new UpdateCertificateCommand({ certificateId: certs[i]!.id, newStatus: 'INACTIVE' })),
    );
    await latency('DeleteCertificate', n, (i) =>
      iot.send(new DeleteCertificateCommand({ certificateId: certs[i]!.id })),
    );
    await latency('DeleteThing', n, (i) => iot.send(new DeleteThingCommand({ thingName: `lat-${i}` })));

    const sequence = async (name: string) => {
      await iot.send(new CreateThingCommand({ thingName: name }));
      const cert = await iot.send(
        new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrs[csrIdx++], setAsActive: true }),
      );
      await iot.send(new AttachPolicyCommand({ policyName: 'bench-policy', target: cert.certificateArn }));
      await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: cert.certificateArn }));
    };
    const sequencesPerSecond = async (label: string, concurrency: number, count: number) => {
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) await sequence(`${label}-${next++}`);
        }),
      );
      return count / ((performance.now() - t0) / 1000);
    };
    figures.push({
      key: 'emulator.onboarding.c1_seq_per_s',
      label: 'onboarding sequences/s, concurrency 1',
      value: await sequencesPerSecond('c1', 1, opts.quick ? 50 : 200),
      unit: 'seq/s',
      better: 'higher',
    });
    figures.push({
      key: 'emulator.onboarding.c16_seq_per_s',
      label: 'onboarding sequences/s, concurrency 16',
      value: await sequencesPerSecond('c16', 16, seqCount - (opts.quick ? 50 : 200)),
      unit: 'seq/s',
      better: 'higher',
      goal: 200,
    });
  } finally {
    iot.destroy();
    proc.child.kill('SIGTERM');
    await proc.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}
