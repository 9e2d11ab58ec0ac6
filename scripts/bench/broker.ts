/**
 * Broker benchmark: the local IoT Core's MQTT broker side by side with Debian's mosquitto in the same
 * run, both over mutual TLS and both authorising every message (policy vs ACL), driven by the same raw
 * MQTT 3.1.1 clients (broker-wire.ts). Each measurement is taken on every broker in turn before the
 * next one starts, in an order that alternates from round to round, so the brokers compared in a figure
 * are measured seconds apart and load from elsewhere on the machine falls on all of them; each figure is
 * the median over rounds, and each is reported as a ratio to mosquitto (mTLS connects also against
 * mosquitto with `set_tcp_nodelay true`). Before the rounds every measurement runs once, briefly and
 * unmeasured, on every broker: a Node process's first seconds under load are not its steady state (V8
 * compiles the hot paths and sizes its heap meanwhile; in the emulator's first latency window two young-
 * generation collections of 8 ms each promoted what it had just built, and its p99 was ten times the
 * later windows').
 */
import fs from 'node:fs';
import { connectsPerSecond, latencyAt, qos0Delivered, qos1Acked } from './broker-load';
import { MOSQUITTO, startEmulatorTarget, startMosquitto, type BenchDevices, type Target } from './broker-targets';
import type { Figure } from './report';

interface Sample {
  qos0: number;
  qos1one: number;
  qos1many: number;
  connects: number;
  p50: number;
  p99: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

type Measurement = (t: Target, d: BenchDevices, quick: boolean) => Promise<Partial<Sample>>;

const seconds = (quick: boolean) => (quick ? 1.5 : 3);
const MEASUREMENTS: Measurement[] = [
  async (t, d, quick) => ({ qos0: await qos0Delivered(t, d, seconds(quick)) }),
  async (t, d, quick) => ({ qos1one: await qos1Acked(t, d, 1, seconds(quick)) }),
  async (t, d, quick) => ({ qos1many: await qos1Acked(t, d, 32, seconds(quick)) }),
  async (t, d, quick) => ({ connects: await connectsPerSecond(t, d, seconds(quick)) }),
  (t, d, quick) => latencyAt(t, d, 1000, quick ? 2 : 5),
];

function print(t: Target, s: Sample) {
  console.log(
    `[bench broker] ${t.name.padEnd(34)} QoS0 ${Math.round(s.qos0)}/s, QoS1x1 ${Math.round(s.qos1one)}/s, ` +
      `QoS1x32 ${Math.round(s.qos1many)}/s, connects ${s.connects.toFixed(1)}/s, ` +
      `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`,
  );
}

export async function benchBroker(opts: { quick: boolean }): Promise<Figure[]> {
  if (!fs.existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} is missing (apt-get install mosquitto)`);
  const rounds = opts.quick ? 1 : 3;
  const { target: emulator, devices, dataDir } = await startEmulatorTarget();
  const targets: Target[] = [emulator];
  try {
    targets.push(await startMosquitto(dataDir, false), await startMosquitto(dataDir, true));
    for (const m of MEASUREMENTS) for (const t of targets) await m(t, devices, true);
    const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      const round = new Map<Target, Partial<Sample>>(targets.map((t) => [t, {}]));
      for (const m of MEASUREMENTS) {
        for (const t of order) Object.assign(round.get(t)!, await m(t, devices, opts.quick));
      }
      console.log(`[bench broker] round ${r + 1} of ${rounds}`);
      for (const t of targets) {
        const s = round.get(t) as Sample;
        print(t, s);
        samples.get(t)!.push(s);
      }
    }
    const med = (t: Target, k: keyof Sample) => median(samples.get(t)!.map((s) => s[k]));
    const [emu, mosq, mosqNoDelay] = targets as [Target, Target, Target];
    const ratio = (k: keyof Sample, other = mosq) => med(emu, k) / med(other, k);
    const figure = (
      key: string,
      label: string,
      value: number,
      unit: string,
      better: 'higher' | 'lower',
      goal?: number,
    ): Figure => ({ key: `broker.${key}`, label, value, unit, better, goal });
    return [
      figure('qos0_delivered', 'QoS 0 delivered, local IoT Core', med(emu, 'qos0'), 'msg/s', 'higher'),
      figure('qos0_delivered_mosquitto', 'QoS 0 delivered, mosquitto', med(mosq, 'qos0'), 'msg/s', 'higher'),
      figure('qos0_ratio', 'QoS 0 delivered vs mosquitto', ratio('qos0'), 'x', 'higher', 1.0),
      figure('qos1_one_ratio', 'QoS 1 publish->PUBACK, 1 in flight, vs mosquitto', ratio('qos1one'), 'x', 'higher', 1),
      figure('qos1_32_ratio', 'QoS 1 publish->PUBACK, 32 in flight, vs mosquitto', ratio('qos1many'), 'x', 'higher'),
      figure('connects', 'mTLS connects, local IoT Core', med(emu, 'connects'), '/s', 'higher'),
      figure('connects_ratio', 'mTLS connects vs mosquitto defaults', ratio('connects'), 'x', 'higher'),
      figure(
        'connects_nodelay_ratio',
        'mTLS connects vs mosquitto set_tcp_nodelay',
        ratio('connects', mosqNoDelay),
        'x',
        'higher',
        1.0,
      ),
      figure('p50_ms', 'publish->deliver p50 at 1,000 msg/s, local IoT Core', med(emu, 'p50'), 'ms', 'lower'),
      figure('p99_ms', 'publish->deliver p99 at 1,000 msg/s, local IoT Core', med(emu, 'p99'), 'ms', 'lower'),
      figure('p50_ratio', 'publish->deliver p50 vs mosquitto', ratio('p50'), 'x', 'lower'),
      figure('p99_ratio', 'publish->deliver p99 vs mosquitto', ratio('p99'), 'x', 'lower', 1.5),
    ];
  } finally {
    for (const t of targets.reverse()) await t.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
