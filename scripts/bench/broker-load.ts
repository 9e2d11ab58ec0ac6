/**
 * The broker benchmark's measurements, each against one target with the same raw clients:
 *  - QoS 0 delivered/s: four publishers write as fast as the broker reads, one subscriber on bench/#
 *    counts what arrives in the window;
 *  - QoS 1 publish-to-PUBACK/s with one and with 32 publishes in flight (a QoS 0 subscriber on bench/#
 *    makes the broker route each message);
 *  - mutual-TLS connects/s: handshake, CONNECT, CONNACK, DISCONNECT, one after another;
 *  - publish-to-deliver latency at 1,000 msg/s (payload carries the send time; same clock both ends).
 */
import { percentile } from './report';
import type { BenchDevices, Target } from './broker-targets';
import { connectOnce, encode, PUBACK, PUBLISH, publishFrame, WireClient } from './broker-wire';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PAYLOAD = Buffer.from(`{"reading":21.5,"pad":"${'x'.repeat(40)}"}`);

/** Waits until `count()` stops moving (the broker has drained what it had buffered). */
async function settle(count: () => number) {
  let last = -1;
  for (let i = 0; i < 40 && count() !== last; i++) {
    last = count();
    await sleep(50);
  }
}

async function subscriber(t: Target, d: BenchDevices, onPublish: (body: Buffer) => void): Promise<WireClient> {
  const sub = await WireClient.connect(t.endpoint, d.subscriber);
  await sub.subscribe('bench/#');
  sub.onFrame((type, _flags, body) => {
    if (type === PUBLISH) onPublish(body);
  });
  return sub;
}

export async function qos0Delivered(t: Target, d: BenchDevices, seconds: number): Promise<number> {
  let received = 0;
  const sub = await subscriber(t, d, () => received++);
  const pubs = await Promise.all(d.publishers.map((p) => WireClient.connect(t.endpoint, p)));
  let running = true;
  const loops = pubs.map(async (pub, i) => {
    const batch = Buffer.concat(
      Array.from({ length: 64 }, () => publishFrame(`bench/${d.publishers[i]!.clientId}/flood`, PAYLOAD, 0)),
    );
    while (running) {
      const wait = pub.write(batch);
      if (wait) await wait;
      else await new Promise<void>((r) => setImmediate(r));
    }
  });
  await sleep(500);
  const from = received;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const rate = ((received - from) * 1000) / (performance.now() - t0);
  running = false;
  await Promise.all(loops);
  await Promise.all(pubs.map((p) => p.close()));
  await settle(() => received);
  await sub.close();
  return rate;
}

export async function qos1Acked(t: Target, d: BenchDevices, inFlight: number, seconds: number): Promise<number> {
  const sub = await subscriber(t, d, () => {});
  const pub = await WireClient.connect(t.endpoint, d.publishers[0]!);
  const topic = `bench/${d.publishers[0]!.clientId}/qos1`;
  const frames = Array.from({ length: inFlight }, (_, i) => publishFrame(topic, PAYLOAD, 1, i + 1));
  let acked = 0;
  let running = true;
  let finished: () => void = () => {};
  let outstanding = 0;
  pub.onFrame((type, _flags, body) => {
    if (type !== PUBACK) return;
    acked++;
    outstanding--;
    if (running) {
      outstanding++;
      pub.socket.write(frames[body.readUInt16BE(0) - 1]!);
    } else if (outstanding === 0) finished();
  });
  const done = new Promise<void>((r) => (finished = r));
  outstanding = inFlight;
  pub.socket.write(Buffer.concat(frames));
  await sleep(300);
  const from = acked;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const rate = ((acked - from) * 1000) / (performance.now() - t0);
  running = false;
  await Promise.race([done, sleep(3000)]);
  await pub.close();
  await sub.close();
  return rate;
}

export async function connectsPerSecond(t: Target, d: BenchDevices, seconds: number): Promise<number> {
  await connectOnce(t.endpoint, d.connector);
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    await connectOnce(t.endpoint, d.connector);
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

export async function latencyAt(
  t: Target,
  d: BenchDevices,
  rate: number,
  seconds: number,
): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  const sub = await subscriber(t, d, (body) => {
    // Topic length (2 bytes) + topic, then the payload: the send time as a float64.
    const at = 2 + body.readUInt16BE(0);
    latencies.push(performance.now() - body.readDoubleBE(at));
  });
  const pub = await WireClient.connect(t.endpoint, d.publishers[1]!);
  const topic = `bench/${d.publishers[1]!.clientId}/latency`;
  const stamp = Buffer.alloc(8);
  const frame = (at: number) => {
    stamp.writeDoubleBE(at);
    return encode({ cmd: 'publish', topic, payload: stamp, qos: 0, retain: false, dup: false });
  };
  await sleep(200);
  let sent = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
    for (; sent < due; sent++) pub.socket.write(frame(performance.now()));
    await sleep(1);
  }
  await settle(() => latencies.length);
  await pub.close();
  await sub.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
