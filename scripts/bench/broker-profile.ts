/**
 * `tsx scripts/bench/broker-profile.ts [qos0|qos1|qos1x32|connects|latency ...] [--seconds N] [--cpu-only]
 *  [--mosquitto] [--node-options "<flags>"]`:
 * runs the broker benchmark's loads against the local IoT Core alone and reports, per load, its rate and
 * the emulator's CPU time per operation (user + system, from /proc: a figure that holds on a shared
 * machine where rates swing). Unless `--cpu-only`, the emulator is profiled meanwhile
 * (cpu-profile-preload.mjs) and the report says where its main thread spent the time (self and
 * inclusive time by function, inclusive time by file). The .cpuprofile files stay in the printed
 * directory for a closer look (Chrome DevTools, speedscope).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectsPerSecond, latencyAt, qos0Delivered, qos1Acked } from './broker-load';
import { startEmulatorTarget, startMosquitto, type Target } from './broker-targets';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 5;
const loads = args.filter((a, i) => !a.startsWith('--') && i !== secondsAt + 1 && args[i - 1] !== '--node-options');
const chosen = loads.length ? loads : ['qos0'];
/** `--mosquitto`: the same loads and CPU figures against mosquitto (set_tcp_nodelay true), for comparison. */
const mosquitto = args.includes('--mosquitto');
const cpuOnly = mosquitto || args.includes('--cpu-only');
/** `--node-options "<flags>"`: node flags for the emulator process only (e.g. a GC setting to try). */
const nodeOptionsAt = args.indexOf('--node-options');
const nodeOptions = nodeOptionsAt >= 0 ? args[nodeOptionsAt + 1]! : '';

const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-profile-'));
const preload = path.join(import.meta.dirname, 'cpu-profile-preload.mjs');
const inherited = `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim();
const emulator = await startEmulatorTarget(
  cpuOnly
    ? { NODE_OPTIONS: inherited }
    : { NODE_OPTIONS: `${inherited} --import ${preload}`.trim(), CPU_PROFILE_DIR: profDir },
);
const { devices, dataDir } = emulator;
const target: Target = mosquitto ? await startMosquitto(dataDir, true) : emulator.target;
/** The broker's CPU time so far in seconds, in user space and in the kernel (fields 14 and 15 of /proc/<pid>/stat). */
const cpuTimes = () => {
  const stat = fs.readFileSync(`/proc/${target.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
};
/** Signals do not queue: each toggle is given time to land before the next one is sent. */
const toggle = async () => {
  process.kill(target.pid!, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
};
let cpu = { seconds: 0, system: 0, wall: 0 };
const profiled = async <T>(run: () => Promise<T>): Promise<T> => {
  if (!cpuOnly) await toggle();
  const cpu0 = cpuTimes();
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    const cpu1 = cpuTimes();
    const system = cpu1.system - cpu0.system;
    cpu = { seconds: cpu1.user - cpu0.user + system, system, wall: (performance.now() - t0) / 1000 };
    if (!cpuOnly) await toggle();
  }
};
/** CPU per operation, taking the rate as holding over the whole load (warm-up and drain included). */
const perOp = (rate: number) =>
  `, broker CPU ${((cpu.seconds * 100) / cpu.wall).toFixed(0)}% (${((cpu.system * 100) / cpu.seconds).toFixed(0)}% in the kernel), ` +
  `${((cpu.seconds * 1e6) / (rate * cpu.wall)).toFixed(1)} us/op`;
const results: string[] = [];
try {
  for (const load of chosen) {
    let figure: string;
    if (load === 'latency') {
      const { p50, p99 } = await profiled(() => latencyAt(target, devices, 1000, seconds));
      figure = `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${perOp(1000)}`;
    } else {
      const run = {
        qos0: () => qos0Delivered(target, devices, seconds),
        qos1: () => qos1Acked(target, devices, 1, seconds),
        qos1x32: () => qos1Acked(target, devices, 32, seconds),
        connects: () => connectsPerSecond(target, devices, seconds),
      }[load];
      if (!run) throw new Error(`unknown load ${load}`);
      const rate = await profiled(run);
      figure = `${rate.toFixed(1)}/s${perOp(rate)}`;
    }
    results.push(`${load}: ${figure}`);
    console.log(`[profile] ${load}: ${figure}`);
  }
} finally {
  await target.close();
  if (target !== emulator.target) await emulator.target.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (cpuOnly) process.exit(0);
// One profile per load, in order (numbered by the emulator's profiler helper).
const files = fs
  .readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort((a, b) => Number(/-(\d+)\./.exec(a)![1]) - Number(/-(\d+)\./.exec(b)![1]));
files.forEach((f, i) => {
  console.log(`\n==== ${results[i] ?? f} ====`);
  summarise(JSON.parse(fs.readFileSync(path.join(profDir, f), 'utf8')) as Profile);
  console.log(`\nprofile: ${path.join(profDir, f)}`);
});

function summarise(p: Profile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const label = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`;
  };
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)');
  const idleUs = idle.reduce((a, [, us]) => a + us, 0);
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => `${((us * 100) / busyUs).toFixed(1)}%`.padStart(6);
  console.log(`\nbusy ${(busyUs / 1e6).toFixed(2)} s of ${(totalUs / 1e6).toFixed(2)} s sampled\n`);

  const self = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const key = label(byId.get(id)!);
    self.set(key, (self.get(key) ?? 0) + us);
  }
  console.log('self time (top 40):');
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${pct(us)}  ${key}`);

  // Inclusive time per function and per file (each sample counted once per distinct frame on its stack).
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seenFn = new Set<string>();
    const seenFile = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      const key = label(n);
      if (!seenFn.has(key)) {
        seenFn.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
      const f = n.callFrame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
      if (f && !seenFile.has(f)) {
        seenFile.add(f);
        byFile.set(f, (byFile.get(f) ?? 0) + us);
      }
    }
  }
  console.log('\ninclusive time (top 50):');
  for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 50)) console.log(`${pct(us)}  ${key}`);
  console.log('\ninclusive time by file (top 40):');
  for (const [f, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${pct(us)}  ${f}`);
}
