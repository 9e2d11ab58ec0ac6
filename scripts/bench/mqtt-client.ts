/**
 * MQTT test client benchmark, in headless Chromium against the production build:
 *   1. 2,000 msg/s published into the broker by devices over mutual TLS, each payload carrying its send
 *      time; the page reports (window.__mqttBench) when each message's row was rendered -> p50
 *      publish -> rendered latency. Meanwhile someone types in the search box; a PerformanceObserver
 *      ('longtask') injected before navigation gives the longest task while typing.
 *   2. 20,000 msg/s: how many the page rendered, how many the server shed (the page's own counter), and
 *      the page's JS heap and the server's RSS before and after.
 * Both clocks are this machine's, so publish and render times compare directly.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateCertificateFromCsrCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import type { Browser, Page } from 'playwright-core';

import { makeKeyAndCsr } from '../../emulator/test/devices';
import { launchChromium } from '../chromium';
import { startDashboardStack } from '../dashboard-stack';
import { percentile, type Figure } from './report';

const REGION = 'us-east-1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Injected before the page's own scripts: the render hook the page calls, and a long-task log. */
function instrument() {
  const w = window as unknown as {
    __mqttBench: { rendered(m: readonly { topic: string; payload: string; receivedAt: number }[], at: number): void };
    __bench: {
      latencies: number[];
      toServer: number[];
      rendered: number;
      longTasks: { start: number; duration: number }[];
    };
  };
  const state = {
    latencies: [] as number[],
    toServer: [] as number[],
    rendered: 0,
    longTasks: [] as { start: number; duration: number }[],
  };
  w.__bench = state;
  const sentAt = /"sentAt":(\d+)/;
  w.__mqttBench = {
    rendered(messages, at) {
      for (const m of messages) {
        if (!m.topic.startsWith('bench/')) continue;
        state.rendered++;
        const sent = sentAt.exec(m.payload);
        if (sent) {
          state.latencies.push(at - Number(sent[1]));
          state.toServer.push(m.receivedAt - Number(sent[1]));
        }
      }
    },
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  // The server and any children it started (next start may fork a worker).
  const pids = [pid];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const kids = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (kids) pids.push(...kids.split(/\s+/).map(Number));
    }
  } catch {
    // Not Linux, or gone.
  }
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // Exited meanwhile.
    }
  }
  return kb / 1024;
}

interface DeviceCredentials {
  name: string;
  certPem: string;
  keyPem: string;
}

async function onboardPublishers(iot: IoTClient, count: number): Promise<DeviceCredentials[]> {
  await iot.send(
    new CreatePolicyCommand({
      policyName: 'bench-mqtt-publisher',
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:${REGION}:*:client/bench-pub-*` },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: `arn:aws:iot:${REGION}:*:topic/bench/*` },
        ],
      }),
    }),
  );
  const devices: DeviceCredentials[] = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-pub-${i}`;
    await iot.send(new CreateThingCommand({ thingName: name }));
    const { keyPem, csrPem } = await makeKeyAndCsr(name);
    const cert = await iot.send(
      new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true }),
    );
    await iot.send(new AttachPolicyCommand({ policyName: 'bench-mqtt-publisher', target: cert.certificateArn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: name, principal: cert.certificateArn }));
    devices.push({ name, certPem: cert.certificatePem!, keyPem });
  }
  return devices;
}

/**
 * The publishing devices run in a worker thread, so the in-process broker keeps this thread's event
 * loop to itself. mqtt.js over mutual TLS, QoS 0, spread over the devices; every 5 ms the worker catches
 * up to the count the rate asks for by then. Plain CommonJS evaluated in the worker (no TS loader there).
 */
const PUBLISHER_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const mqtt = require(workerData.mqttPath);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pad = 'x'.repeat(64);
let clients = [];
async function connect() {
  clients = await Promise.all(workerData.devices.map((d) => new Promise((resolve, reject) => {
    const c = mqtt.connect(workerData.url, { clientId: d.name, cert: d.certPem, key: d.keyPem, ca: workerData.ca,
      protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10000 });
    c.once('connect', () => resolve({ c, name: d.name }));
    c.once('error', reject);
  })));
}
async function run(rate, seconds, label) {
  let sent = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    const burst = Math.min(due - sent, Math.ceil(rate / 50));
    for (let i = 0; i < burst; i++) {
      const d = clients[sent % clients.length];
      d.c.publish('bench/' + label + '/' + d.name, '{"seq":' + sent + ',"sentAt":' + Date.now() + ',"pad":"' + pad + '"}', { qos: 0 });
      sent++;
    }
    await sleep(5);
  }
  return { sent, elapsed: (performance.now() - t0) / 1000 };
}
parentPort.on('message', async (m) => {
  try {
    if (m.cmd === 'connect') { await connect(); parentPort.postMessage({ ok: true }); }
    else if (m.cmd === 'run') parentPort.postMessage({ ok: true, ...(await run(m.rate, m.seconds, m.label)) });
    else if (m.cmd === 'end') { for (const d of clients) d.c.end(true); parentPort.postMessage({ ok: true }); }
  } catch (err) { parentPort.postMessage({ ok: false, error: String(err) }); }
});
`;

class Publishers {
  private readonly worker: Worker;
  constructor(devices: DeviceCredentials[], url: string, ca: string) {
    const mqttPath = createRequire(import.meta.url).resolve('mqtt');
    this.worker = new Worker(PUBLISHER_WORKER, { eval: true, workerData: { devices, url, ca, mqttPath } });
  }
  private ask<T>(message: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (r: { ok: boolean; error?: string } & T) =>
        r.ok ? resolve(r) : reject(new Error(r.error)),
      );
      this.worker.once('error', reject);
      this.worker.postMessage(message);
    });
  }
  connect = () => this.ask<object>({ cmd: 'connect' });
  /** Publishes at `rate` msg/s for `seconds`; resolves with the number actually sent. */
  run = (rate: number, seconds: number, label: string) =>
    this.ask<{ sent: number; elapsed: number }>({ cmd: 'run', rate, seconds, label });
  async close() {
    await this.ask<object>({ cmd: 'end' }).catch(() => {});
    await this.worker.terminate();
  }
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / (1024 * 1024);
  } finally {
    await cdp.detach();
  }
}

async function droppedShown(page: Page): Promise<number> {
  const text = (await page.getByRole('status', { name: 'Dropped by the server' }).textContent()) ?? '';
  return Number(text.replace(/[^0-9]/g, '')) || 0;
}

export async function benchMqttClient(opts: { quick: boolean }): Promise<Figure[]> {
  const steadySeconds = opts.quick ? 3 : 5;
  const floodSeconds = opts.quick ? 2 : 3;
  const stack = await startDashboardStack({ emulator: { region: REGION } });
  const { emulator, next } = stack;
  const iot = new IoTClient({
    endpoint: emulator.urls.http,
    region: REGION,
    credentials: stack.credentials,
    maxAttempts: 1,
  });
  let browser: Browser | undefined;
  let publishers: Publishers | undefined;
  const figures: Figure[] = [];
  try {
    publishers = new Publishers(await onboardPublishers(iot, 4), emulator.urls.mqtt, emulator.rootCaPem);
    await publishers.connect();

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addCookies([
      {
        name: stack.session.name,
        value: stack.session.value,
        url: next.url,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(`${next.url}/mqtt`);
    await page.getByRole('status', { name: 'MQTT connection' }).getByText('Connected').waitFor({ timeout: 20_000 });
    await page.getByLabel('Topic filter').fill('bench/#');
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await page.getByRole('listitem', { name: 'Subscription bench/#' }).waitFor();

    // 1. Steady 2,000 msg/s, typing in the search box from the second second on.
    const search = page.getByLabel('Search messages');
    const typing = (async () => {
      await sleep(1000);
      await search.focus();
      const from = await page.evaluate(() => performance.now());
      const stopAt = Date.now() + (steadySeconds - 1.5) * 1000;
      while (Date.now() < stopAt) {
        await page.keyboard.type('"seq":12', { delay: 60 });
        for (let i = 0; i < 8; i++) await page.keyboard.press('Backspace', { delay: 40 });
      }
      const to = await page.evaluate(() => performance.now());
      return { from, to };
    })();
    const steady = await publishers.run(2000, steadySeconds, 'steady');
    const typed = await typing;
    await sleep(1000);
    const phase1 = await page.evaluate(() => {
      const b = (
        window as unknown as {
          __bench: {
            latencies: number[];
            toServer: number[];
            rendered: number;
            longTasks: { start: number; duration: number }[];
          };
        }
      ).__bench;
      const out = {
        latencies: b.latencies.slice(),
        toServer: b.toServer.slice(),
        rendered: b.rendered,
        longTasks: b.longTasks.slice(),
      };
      b.latencies.length = 0;
      b.toServer.length = 0;
      b.rendered = 0;
      return out;
    });
    const latencies = phase1.latencies.sort((a, b) => a - b);
    const toServer = phase1.toServer.sort((a, b) => a - b);
    const whileTyping = phase1.longTasks.filter((t) => t.start + t.duration >= typed.from && t.start <= typed.to);
    const longest = whileTyping.reduce((m, t) => Math.max(m, t.duration), 0);
    console.log(
      `[bench mqtt] steady: sent ${steady.sent} in ${steady.elapsed.toFixed(1)} s, rendered ${phase1.rendered}; ` +
        `p50 ${percentile(latencies, 50)} ms, p90 ${percentile(latencies, 90)} ms, p99 ${percentile(latencies, 99)} ms ` +
        `(of which publish -> dashboard server p50 ${percentile(toServer, 50)}, p90 ${percentile(toServer, 90)} ms); ` +
        `${whileTyping.length} long task(s) while typing, all long tasks: ${phase1.longTasks.map((t) => Math.round(t.duration)).join(', ') || 'none'}`,
    );
    figures.push(
      {
        key: 'mqtt.steady_publish_rate',
        label: 'steady phase: publish rate achieved',
        value: steady.sent / steady.elapsed,
        unit: 'msg/s',
        better: 'higher',
      },
      {
        key: 'mqtt.p50_latency_ms',
        label: 'publish -> rendered p50 at 2,000 msg/s',
        value: percentile(latencies, 50),
        unit: 'ms',
        better: 'lower',
        goal: 100,
      },
      {
        key: 'mqtt.p99_latency_ms',
        label: 'publish -> rendered p99 at 2,000 msg/s',
        value: percentile(latencies, 99),
        unit: 'ms',
        better: 'lower',
      },
      {
        key: 'mqtt.longest_task_while_typing_ms',
        label: 'longest task while typing in the search',
        value: longest,
        unit: 'ms',
        better: 'lower',
        goal: 50,
      },
    );

    // 2. Flood: 20,000 msg/s.
    await search.fill('');
    await sleep(500);
    const heapBefore = await heapMb(page);
    const rssBefore = rssMb(next.pid);
    const droppedBefore = await droppedShown(page);
    const flood = await publishers.run(20_000, floodSeconds, 'flood');
    await sleep(3000);
    const floodRendered = await page.evaluate(
      () => (window as unknown as { __bench: { rendered: number } }).__bench.rendered,
    );
    const dropped = (await droppedShown(page)) - droppedBefore;
    const heapAfter = await heapMb(page);
    const rssAfter = rssMb(next.pid);
    console.log(
      `[bench mqtt] flood: sent ${flood.sent} in ${flood.elapsed.toFixed(1)} s (${Math.round(flood.sent / flood.elapsed)}/s), ` +
        `rendered ${floodRendered}, dropped by the server ${dropped}; page heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MB; ` +
        `server RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MB`,
    );
    figures.push(
      {
        key: 'mqtt.flood_publish_rate',
        label: 'flood phase: publish rate achieved',
        value: flood.sent / flood.elapsed,
        unit: 'msg/s',
        better: 'higher',
      },
      {
        key: 'mqtt.flood_rendered',
        label: 'flood: messages rendered',
        value: floodRendered,
        unit: 'msg',
        better: 'higher',
      },
      {
        key: 'mqtt.flood_dropped',
        label: 'flood: dropped by the server (shown by the page)',
        value: dropped,
        unit: 'msg',
        better: 'higher',
      },
      {
        key: 'mqtt.heap_growth_mb',
        label: 'flood: page JS heap growth',
        value: heapAfter - heapBefore,
        unit: 'MB',
        better: 'lower',
      },
      {
        key: 'mqtt.server_rss_growth_mb',
        label: 'flood: server RSS growth',
        value: rssAfter - rssBefore,
        unit: 'MB',
        better: 'lower',
      },
    );
  } finally {
    await browser?.close().catch(() => {});
    await publishers?.close();
    iot.destroy();
    await stack.close();
  }
  return figures;
}
